// Label and field selectors as list and watch requests carry them (`?labelSelector=app=api`,
// `?fieldSelector=metadata.name=api`, which `kubectl rollout status` sends). A selector the server
// cannot parse is a 400 BadRequest, not an empty list.
// https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
// https://kubernetes.io/docs/concepts/overview/working-with-objects/field-selectors/

export class SelectorError extends Error {}

type Labels = Record<string, string>;
type Term = (labels: Labels) => boolean;

/** Splits on the commas that separate requirements, not those inside `in (a,b)`. */
function requirements(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of selector) {
    if (char === "(") depth += 1;
    if (char === ")") depth -= 1;
    if (char === "," && depth === 0) {
      terms.push(current.trim());
      current = "";
    } else current += char;
  }
  terms.push(current.trim());
  return terms.filter(Boolean);
}

const labelKey = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function checkedKey(key: string, term: string): string {
  if (!labelKey.test(key)) throw new SelectorError(`unable to parse requirement: invalid label key "${key}" in "${term}"`);
  return key;
}

function parseTerm(term: string): Term {
  const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (set) {
    const key = checkedKey(set[1]!, term);
    const values = new Set(set[3]!.split(",").map((v) => v.trim()).filter(Boolean));
    return set[2] === "in" ? (l) => key in l && values.has(l[key]!) : (l) => !(key in l) || !values.has(l[key]!);
  }
  const compare = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (compare) {
    const key = checkedKey(compare[1]!, term);
    const value = compare[3]!;
    return compare[2] === "!=" ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  if (term.startsWith("!")) {
    const key = checkedKey(term.slice(1).trim(), term);
    return (l) => !(key in l);
  }
  const key = checkedKey(term, term);
  return (l) => key in l;
}

/** `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`; comma-separated terms all hold. */
export function labelMatcher(selector: string | undefined): (labels: Labels | undefined) => boolean {
  const terms = requirements(selector ?? "").map(parseTerm);
  return (labels) => terms.every((term) => term(labels ?? {}));
}

/** The fields each resource can be selected by; every resource has the metadata ones. */
const selectableFields: Record<string, string[]> = {
  pods: ["status.phase", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.podIP", "status.nominatedNodeName"],
};

function fieldValue(object: Record<string, unknown>, path: string): string {
  let node: unknown = object;
  for (const key of path.split(".")) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  return node === undefined || node === null ? "" : String(node);
}

export function fieldMatcher(resource: string, selector: string | undefined): (object: Record<string, unknown>) => boolean {
  const allowed = new Set(["metadata.name", "metadata.namespace", ...(selectableFields[resource] ?? [])]);
  const terms = (selector ?? "").split(",").map((t) => t.trim()).filter(Boolean).map((term) => {
    const parsed = /^([^!=]+)(==|=|!=)(.*)$/.exec(term);
    if (!parsed) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    const field = parsed[1]!.trim();
    if (!allowed.has(field)) throw new SelectorError(`field label not supported: ${field}`);
    const value = parsed[3]!.trim();
    return parsed[2] === "!=" ? (o: Record<string, unknown>) => fieldValue(o, field) !== value : (o: Record<string, unknown>) => fieldValue(o, field) === value;
  });
  return (object) => terms.every((term) => term(object));
}
