// Reads every relative import of src/ with the TypeScript compiler's own pre-processor (static
// imports, re-exports, type-only imports and dynamic `import()` alike) and resolves it to a file.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import ts from "typescript";

export interface ImportEdge {
  /** importing file, relative to src/ */
  from: string;
  /** imported file, relative to src/ */
  to: string;
  dynamic: boolean;
}

export function sourceFiles(srcDir: string): string[] {
  return readdirSync(srcDir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => file.split("\\").join("/"))
    .sort();
}

export function importEdges(srcDir: string): ImportEdge[] {
  return sourceFiles(srcDir).flatMap((from) => edgesOf(srcDir, from));
}

export function edgesOf(srcDir: string, from: string, text = readFileSync(join(srcDir, from), "utf8")): ImportEdge[] {
  const dynamic = new Set(dynamicSpecifiers(text));
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((ref) => ref.fileName)
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => ({
      from,
      to: normalize(join(dirname(from), specifier.replace(/\.js$/, ".ts"))).split("\\").join("/"),
      dynamic: dynamic.has(specifier),
    }));
}

function dynamicSpecifiers(text: string): string[] {
  return [...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]!);
}

export function relativeToSrc(srcDir: string, file: string): string {
  return relative(srcDir, file).split("\\").join("/");
}
