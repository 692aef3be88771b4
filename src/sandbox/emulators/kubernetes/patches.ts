// The three patch formats the API server accepts as PATCH bodies, applied to plain JSON objects.
// https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export const JSON_PATCH = "application/json-patch+json";
export const MERGE_PATCH = "application/merge-patch+json";
export const STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";

/** A patch the server cannot apply; `code` is what the API server answers (400 malformed, 422 failed test). */
export class PatchError extends Error {
  constructor(
    readonly code: 400 | 422,
    message: string,
  ) {
    super(message);
  }
}

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** RFC 7386: objects merge, null deletes, anything else (lists included) replaces. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key] ?? null, value);
  }
  return result;
}

/**
 * Strategic merge patch as it behaves on the pod-template fields playbooks touch: like a merge
 * patch, except that lists of named items (containers, env, volumes, ports) merge by `name`
 * instead of being replaced, which is what their `patchMergeKey` does on a real server.
 */
export function applyStrategicMergePatch(target: Json, patch: Json): Json {
  if (Array.isArray(patch) && Array.isArray(target) && patch.every((item) => isObject(item) && typeof item.name === "string")) {
    const merged = target.map((item) => structuredClone(item));
    for (const item of patch as JsonObject[]) {
      const index = merged.findIndex((existing) => isObject(existing) && existing.name === item.name);
      if (index === -1) merged.push(structuredClone(item));
      else merged[index] = applyStrategicMergePatch(merged[index] ?? null, item);
    }
    return merged;
  }
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$")) throw new PatchError(400, `strategic merge patch directive ${key} is not supported by this emulator`);
    if (value === null) delete result[key];
    else result[key] = applyStrategicMergePatch(result[key] ?? null, value);
  }
  return result;
}

interface Operation {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw new PatchError(400, `jsonpatch path must start with "/": ${path}`);
  return path.slice(1).split("/").map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function resolve(doc: Json, tokens: string[], path: string): Json {
  let node: Json = doc;
  for (const token of tokens) {
    const next: Json | undefined = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
    if (next === undefined) throw new PatchError(422, `jsonpatch doc is missing path: ${path}`);
    node = next;
  }
  return node;
}

/** RFC 6902, applied in order on a copy; a failed `test` rejects the whole patch. */
export function applyJsonPatch(target: Json, patch: Json): Json {
  if (!Array.isArray(patch)) throw new PatchError(400, "json patch must be a list of operations");
  let doc = structuredClone(target);
  for (const raw of patch) {
    if (!isObject(raw) || typeof raw.op !== "string" || typeof raw.path !== "string") throw new PatchError(400, "each json patch operation needs op and path");
    const op = raw as unknown as Operation;
    const tokens = pointer(op.path);
    const last = tokens.at(-1);
    if (op.op === "test") {
      if (JSON.stringify(resolve(doc, tokens, op.path)) !== JSON.stringify(op.value ?? null)) throw new PatchError(422, `Testing value ${op.path} failed`);
      continue;
    }
    if (op.op !== "add" && op.op !== "replace" && op.op !== "remove") throw new PatchError(400, `Unexpected kind: ${op.op}`);
    if (last === undefined) {
      if (op.op === "remove") throw new PatchError(422, "jsonpatch cannot remove the whole document");
      doc = structuredClone(op.value ?? null);
      continue;
    }
    const parent = resolve(doc, tokens.slice(0, -1), op.path);
    if (Array.isArray(parent)) {
      const index = last === "-" ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length) throw new PatchError(422, `jsonpatch index out of range: ${op.path}`);
      if (op.op !== "add" && index >= parent.length) throw new PatchError(422, `jsonpatch ${op.op} operation does not apply: doc is missing path: ${op.path}`);
      if (op.op === "add") parent.splice(index, 0, structuredClone(op.value ?? null));
      else if (op.op === "replace") parent[index] = structuredClone(op.value ?? null);
      else parent.splice(index, 1);
    } else if (isObject(parent)) {
      if (op.op !== "add" && !(last in parent)) throw new PatchError(422, `jsonpatch ${op.op} operation does not apply: doc is missing key: ${op.path}`);
      if (op.op === "remove") delete parent[last];
      else parent[last] = structuredClone(op.value ?? null);
    } else {
      throw new PatchError(422, `jsonpatch ${op.op} operation does not apply: doc is missing path: ${op.path}`);
    }
  }
  return doc;
}

/** Applies a PATCH body by its content type; undefined means the type is not one the resource accepts. */
export function applyPatch(contentType: string, target: Json, patch: Json, strategicAllowed: boolean): Json | undefined {
  if (contentType === JSON_PATCH) return applyJsonPatch(target, patch);
  if (contentType === MERGE_PATCH) return applyMergePatch(target, patch);
  if (contentType === STRATEGIC_MERGE_PATCH && strategicAllowed) return applyStrategicMergePatch(target, patch);
  return undefined;
}
