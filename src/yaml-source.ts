// YAML parsing that remembers where each value came from, so problems can be reported as
// file:line:col (playbooks, firebreak.yaml) instead of a bare path.
import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { z } from "zod";

export interface SourceProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export interface YamlSource {
  file: string;
  value: unknown;
  /** Syntax errors; when present, `value` should not be trusted. */
  syntaxErrors: SourceProblem[];
  /** The position of the value at `path`, or of its nearest existing parent. */
  positionOf(path: readonly PropertyKey[]): { line: number; col: number };
}

export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  const syntaxErrors = doc.errors.map((e) => ({ file, ...at(e.pos[0]), message: e.message.split("\n")[0] ?? e.message }));
  return {
    file,
    value: syntaxErrors.length > 0 ? undefined : doc.toJS(),
    syntaxErrors,
    positionOf(path) {
      let node: unknown = doc.contents;
      let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
          if (!pair) break;
          // A field's problem points at its key, where an editor's cursor goes for "this field".
          offset = (pair.key as Node).range?.[0] ?? offset;
          node = pair.value;
        } else if (isSeq(node) && typeof key === "number" && node.items[key]) {
          node = node.items[key];
          offset = (node as Node).range?.[0] ?? offset;
        } else {
          break;
        }
      }
      return at(offset);
    },
  };
}

/** zod issues mapped to source positions. */
export function problemsFromZod(source: YamlSource, error: z.ZodError): SourceProblem[] {
  return error.issues.flatMap((issue) => {
    // An unknown key is reported at the key itself, one problem each, so a typo is easy to find.
    const paths = issue.code === "unrecognized_keys" ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
    return paths.map((path) => {
      const where = path.length > 0 ? `${path.join(".")}: ` : "";
      const message = issue.code === "unrecognized_keys" ? "unknown key (check its spelling)" : issue.message;
      return { file: source.file, ...source.positionOf(path), message: `${where}${message}` };
    });
  });
}

export const formatSourceProblem = (p: SourceProblem) => `${p.file}:${p.line}:${p.col}: ${p.message}`;
