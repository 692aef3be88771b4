// firebreak.yaml: structured settings that do not fit in environment variables.
// The schema is strict so a misspelt key is reported instead of silently ignored.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { formatSourceProblem, parseYamlSource, problemsFromZod } from "./yaml-source.js";

export const configFileSchema = z
  .object({
    services: z
      .record(
        z.string(),
        z
          .object({
            /** Pages for this service attach to its open incident if it was declared within this many minutes. */
            group_within_minutes: z.number().int().positive().optional(),
            /** PagerDuty escalation policy whose on-call responders are invited. */
            escalation_policy: z.string().optional(),
          })
          .strict(),
      )
      .default({}),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;

export function loadConfigFile(path: string | undefined, readFile: (p: string) => string = (p) => readFileSync(p, "utf8")): ConfigFile {
  if (path === undefined) return configFileSchema.parse({});
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new Error(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); fix the path or unset FIREBREAK_CONFIG`);
  }
  const source = parseYamlSource(text, path);
  if (source.syntaxErrors.length > 0) throw new Error(source.syntaxErrors.map(formatSourceProblem).join("\n    "));
  const result = configFileSchema.safeParse(source.value ?? {});
  if (!result.success) throw new Error(problemsFromZod(source, result.error).map(formatSourceProblem).join("\n    "));
  return result.data;
}
