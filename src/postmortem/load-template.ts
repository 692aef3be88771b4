// The post-mortem template is loaded and checked once, at startup: a misspelt name stops the
// server with its file:line:col instead of leaving a hole in the first post-mortem drafted.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { postmortemTemplateNames } from "../views/postmortem/template-names.js";
import { compileTemplate, TemplateError, type CompiledTemplate } from "../views/postmortem/template-engine.js";

/** The template shipped with Firebreak (the same path from src/ and from dist/). */
export const DEFAULT_POSTMORTEM_TEMPLATE = fileURLToPath(new URL("../../templates/postmortem.md", import.meta.url));

/** Throws a TemplateError naming every problem as file:line:col: message. */
export function loadPostmortemTemplate(path: string, readFile: (path: string) => string = (p) => readFileSync(p, "utf8")): CompiledTemplate {
  let source: string;
  try {
    source = readFile(path);
  } catch (error) {
    throw new TemplateError([{ file: path, line: 1, col: 1, message: `cannot read this file (${(error as NodeJS.ErrnoException).code ?? String(error)})` }]);
  }
  return compileTemplate(source, path, postmortemTemplateNames);
}
