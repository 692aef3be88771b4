// A directory of playbooks and a firebreak.yaml that loads them, for tests of the engine.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function writePlaybookConfig(dir: string, playbooks: Record<string, string>, extraYaml = ""): string {
  const playbookDir = join(dir, "playbooks");
  mkdirSync(playbookDir, { recursive: true });
  for (const [file, yaml] of Object.entries(playbooks)) writeFileSync(join(playbookDir, file), yaml);
  const config = join(dir, "firebreak.yaml");
  writeFileSync(config, `playbook_dirs: [${JSON.stringify(playbookDir)}]\n${extraYaml}`);
  return config;
}

export const notePlaybook = `id: note-then-approve
title: Note, then an approved note
description: Writes a note, then another behind the commander's approval.
when:
  keywords: [checkout]
params:
  message: { type: string, pattern: "^[a-z ]+$", description: lowercase words }
steps:
  - id: first
    title: Write the first note
    action: incident.note
    with: { text: "first: {{ params.message }}" }
    idempotent: true
  - id: second
    title: Write the approved note
    action: incident.note
    with: { text: "second for INC-{{ incident.id }}" }
    approval: { from: commander }
`;

export const otherPlaybook = `id: unrelated
title: Unrelated
description: Only for search incidents.
when: { services: [search] }
steps:
  - { id: wait, title: Wait a moment, action: wait, with: { duration: 1s } }
`;
