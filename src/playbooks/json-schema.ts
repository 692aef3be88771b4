// The JSON Schema of playbook files, for completion and inline errors in editors, derived from
// the zod schema so the two cannot disagree. It describes what may be written (defaults are
// optional), and leaves out the rules only `firebreak playbooks check` can apply.
import { z } from "zod";
import { playbookSchema } from "../domain/playbook-schema.js";

export function playbookJsonSchema(): Record<string, unknown> {
  // draft-07 is the version YAML editors (yaml-language-server) support best.
  return z.toJSONSchema(playbookSchema, { io: "input", target: "draft-07" }) as Record<string, unknown>;
}

/** The content of playbooks/playbook.schema.json. */
export function playbookJsonSchemaText(): string {
  return `${JSON.stringify(playbookJsonSchema(), null, 2)}\n`;
}
