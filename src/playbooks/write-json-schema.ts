// Regenerates playbooks/playbook.schema.json after a change to src/domain/playbook-schema.ts:
//   node --import tsx src/playbooks/write-json-schema.ts
// test/unit/playbook-json-schema.test.ts fails while the shipped file is out of date.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { playbookJsonSchemaText } from "./json-schema.js";

const target = fileURLToPath(new URL("../../playbooks/playbook.schema.json", import.meta.url));
writeFileSync(target, playbookJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
