// YAML parsing that remembers where each value came from, so problems can be reported as
// file:line:col (playbooks, firebreak.yaml) instead of a bare path.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
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
  /**
   * The position of character `index` of the string at `path`. Exact for plain and quoted
   * one-line strings and for block scalars whose line is unambiguous; otherwise the string's start.
   */
  positionInString(path: readonly PropertyKey[], index: number): { line: number; col: number };
}

export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  const syntaxErrors = doc.errors.map((e) => ({ file, ...at(e.pos[0]), message: e.message.split("\n")[0] ?? e.message }));
  const walk = (path: readonly PropertyKey[]) => {
    let node: unknown = doc.contents;
    let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
    let found = true;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
        if (!pair) {
          found = false;
          break;
        }
        // A field's problem points at its key, where an editor's cursor goes for "this field".
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof key === "number" && node.items[key]) {
        node = node.items[key];
        offset = (node as Node).range?.[0] ?? offset;
      } else {
        found = false;
        break;
      }
    }
    return { node: found ? node : undefined, offset };
  };
  return {
    file,
    value: syntaxErrors.length > 0 ? undefined : doc.toJS(),
    syntaxErrors,
    positionOf: (path) => at(walk(path).offset),
    positionInString(path, index) {
      const { node, offset } = walk(path);
      if (!isScalar(node) || typeof node.value !== "string" || !node.range) return at(offset);
      const start = node.range[0];
      const raw = text.slice(start, node.range[1]);
      const value = node.value;
      const quoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE";
      if ((quoted ? raw.slice(1, -1) : raw) === value) return at(start + (quoted ? 1 : 0) + index);
      // Escapes, folding or block indentation move characters around; a line of the value that
      // appears exactly once in the source still locates the character.
      const lineStart = index === 0 ? 0 : value.lastIndexOf("\n", index - 1) + 1;
      const lineEnd = value.indexOf("\n", index);
      const line = value.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
      const first = raw.indexOf(line);
      if (line.length > 0 && first !== -1 && raw.indexOf(line, first + 1) === -1) return at(start + first + index - lineStart);
      return at(start);
    },
  };
}

/** zod issues mapped to source positions; `basePath` locates the value that was parsed. */
export function problemsFromZod(source: YamlSource, error: z.ZodError, basePath: readonly PropertyKey[] = []): SourceProblem[] {
  return error.issues.flatMap((issue) => {
    // An unknown key is reported at the key itself, one problem each, so a typo is easy to find.
    const paths = issue.code === "unrecognized_keys" ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
    return paths.map((relative) => {
      const path = [...basePath, ...relative];
      const where = path.length > 0 ? `${path.join(".")}: ` : "";
      const message = issue.code === "unrecognized_keys" ? "unknown key (check its spelling)" : issue.message;
      return { file: source.file, ...source.positionOf(path), message: `${where}${message}` };
    });
  });
}

export const formatSourceProblem = (p: SourceProblem) => `${p.file}:${p.line}:${p.col}: ${p.message}`;
