// `firebreak playbooks check` as an author or CI runs it: a real process over real files.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnCli } from "../helpers/cli-process.js";
import { tempDir } from "../helpers/databases.js";

const dirs: { remove(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.remove()));

function playbookDir(files: Record<string, string>): string {
  const dir = tempDir("firebreak-playbooks-");
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir.path, name), text);
  return dir.path;
}

const good = `# yaml-language-server: $schema=./playbook.schema.json
id: settle-and-note
title: Let it settle, then say so
description: Waits for a change to settle and notes it in the timeline.
params:
  pause: { type: string, default: 2m }
steps:
  - id: settle
    title: Wait
    action: wait
    with: { duration: "{{ params.pause }}" }
  - id: note
    title: Note
    action: incident.note
    with: { text: "Settled after {{ params.pause }} for {{ incident.title }}" }
`;

const bad = `id: broken
title: Broken
description: One problem of each kind the checker finds after the schema.
steps:
  - id: note
    title: Note
    action: incident.notes
  - id: tell
    title: Tell
    action: incident.note
    with: { text: "{{ params.who }} and {{ steps.note.outputs }}", extra: 1 }
`;

async function run(args: string[]) {
  const cli = spawnCli(["playbooks", "check", ...args], {});
  const code = await cli.exited;
  return { code, output: cli.output() };
}

describe("firebreak playbooks check", () => {
  it("prints each problem as file:line:col: message and exits 1", async () => {
    const dir = playbookDir({ "a-good.yaml": good, "b-bad.yml": bad, "notes.md": "not a playbook" });
    const { code, output } = await run([dir]);
    const file = join(dir, "b-bad.yml");
    expect(code).toBe(1);
    expect(output.trimEnd().split("\n")).toEqual([
      expect.stringMatching(new RegExp(`^${escape(file)}:7:5: steps\\.0\\.action: unknown action "incident\\.notes" \\(known: [^)]*incident\\.note, [^)]*wait\\)$`)),
      `${file}:11:23: steps.1.with.text: {{ params.who }}: unknown param "who" (this playbook declares no params)`,
      `${file}:11:44: steps.1.with.text: {{ steps.note.outputs }}: only a step's output can be looked up: use {{ steps.note.output }}`,
      `${file}:11:68: steps.1.with.extra: unknown key (check its spelling)`,
    ]);
  });

  it("counts the playbooks and exits 0 when all are good", async () => {
    const dir = playbookDir({ "a.yaml": good, "b.yaml": good.replace("id: settle-and-note", "id: settle-and-note-again") });
    expect(await run([dir])).toEqual({ code: 0, output: "2 playbooks OK\n" });
    expect(await run([join(dir, "a.yaml")])).toEqual({ code: 0, output: "1 playbook OK\n" });
  });

  it("checks ./playbooks by default, where the shipped playbooks must always pass", async () => {
    const { code, output } = await run([]);
    expect(output).toMatch(/^\d+ playbooks? OK\n$/);
    expect(code).toBe(0);
  });

  it("exits 2 on an unknown playbooks command", async () => {
    const cli = spawnCli(["playbooks", "lint"], {});
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toContain('firebreak: unknown command "playbooks lint"');
  });
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
