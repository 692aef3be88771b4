import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { createActionRegistry } from "../../src/playbooks/action-registry.js";
import { builtinActions } from "../../src/playbooks/builtin-actions.js";
import { checkPlaybookSource } from "../../src/playbooks/check-playbooks.js";
import { playbookJsonSchemaText } from "../../src/playbooks/json-schema.js";

const shipped = readFileSync(new URL("../../playbooks/playbook.schema.json", import.meta.url), "utf8");

const example = `# yaml-language-server: $schema=./playbook.schema.json
id: hold-and-note
title: Hold deploys while the database recovers
description: Gives a failover time to settle, then records it in the timeline.
when:
  services: [orders-db]
  severity: [SEV1, SEV2]
  source: [pagerduty, datadog]
  keywords: [failover, replica]
params:
  settle_for: { type: string, pattern: "^[0-9]+m$", default: 5m, description: How long to wait }
  attempts: { type: integer, min: 1, max: 3, default: 1, required: false }
  ratio: { type: number, min: 0, max: 1 }
  notify: { type: boolean, default: true }
  region: { type: enum, values: [eu, us] }
steps:
  - id: settle
    title: Let the failover settle
    action: wait
    with: { duration: "{{ params.settle_for }}" }
    approval: { from: commander, reason: Deploys stay frozen meanwhile. }
    timeout: 30m
    idempotent: true
  - id: record
    title: Record the failover
    action: incident.note
    with:
      text: "Failover in {{ params.region }} settled for {{ incident.title }} ({{ incident.severity }})"
    approval:
      from: [commander, { group: dba-oncall }, { users: [U024BE7LH] }]
      count: 2
    reversible: true
    risky: false
    verify: { action: wait, with: { duration: 1s } }
    rollback: { action: incident.note, with: { text: "Ignore the note above: {{ steps.record.output }}" } }
    on_failure: continue
`;

describe("playbooks/playbook.schema.json", () => {
  it("is up to date with the zod schema (regenerate: node --import tsx src/playbooks/write-json-schema.ts)", () => {
    expect(shipped).toBe(playbookJsonSchemaText());
  });

  // The shipped JSON document is read back as a validator, so this exercises what editors get.
  const editorSchema = z.fromJSONSchema(JSON.parse(shipped));

  it("accepts the example playbook, which also passes the checker", () => {
    expect(editorSchema.safeParse(parse(example)).error?.issues).toBeUndefined();
    const registry = createActionRegistry(builtinActions({ addNote: async () => {} }));
    expect(checkPlaybookSource(example, "hold-and-note.yaml", registry).problems).toEqual([]);
  });

  it("flags what an editor can see: unknown keys, bad enums and durations, missing fields", () => {
    const paths = (yaml: string) => editorSchema.safeParse(parse(yaml)).error?.issues.map((i) => [i.code, i.path.join(".")]);
    expect(paths(example.replace("timeout: 30m", "timout: 30m"))).toEqual([["unrecognized_keys", "steps.0"]]);
    expect(paths(example.replace("on_failure: continue", "on_failure: retry"))).toEqual([["invalid_value", "steps.1.on_failure"]]);
    expect(paths(example.replace("timeout: 30m", "timeout: 30 minutes"))).toEqual([["invalid_format", "steps.0.timeout"]]);
    expect(paths(example.replace("description: Gives", "summary: Gives"))).toEqual([
      ["invalid_type", "description"],
      ["unrecognized_keys", ""],
    ]);
  });

  it("documents fields for editor hovers", () => {
    const schema = JSON.parse(shipped) as { title: string; properties: { steps: { items: { properties: Record<string, { description?: string }> } } } };
    expect(schema.title).toBe("Firebreak playbook");
    expect(schema.properties.steps.items.properties.on_failure?.description).toMatch(/^abort: stop the run/);
  });
});
