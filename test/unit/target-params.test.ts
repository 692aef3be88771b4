// Target params: the form offers the configured targets of the right kind and starts from the
// incident's service's own, and a name that is not configured is refused before a run starts.
import { describe, expect, it } from "vitest";
import { playbookSchema } from "../../src/domain/playbook-schema.js";
import { initialTarget, type TargetNames } from "../../src/domain/targets.js";
import { coerceParams } from "../../src/playbooks/engine/start-run.js";
import { paramsModal } from "../../src/views/slack/playbook-views.js";

const playbook = playbookSchema.parse({
  id: "rebuild",
  title: "Rebuild",
  description: "Rebuild an index.",
  params: { target: { type: "target", kind: "postgres" }, cluster: { type: "target", kind: "kubernetes" } },
  steps: [{ id: "note", title: "Note", action: "incident.note", with: { text: "{{ params.target }}" } }],
});
const names: TargetNames = { postgres: ["billing-db", "orders-db"], kubernetes: ["prod"], traffic: [] };

type Input = { block_id: string; optional: boolean; element: { type: string; options?: { value: string }[]; initial_option?: { value: string } } };
const inputs = (view: { blocks: unknown[] }) => (view.blocks as Input[]).filter((b) => b.block_id?.startsWith("param_"));

describe("target params", () => {
  it("are offered as a choice of the configured targets, starting from the service's own or the only one", () => {
    const [target, cluster] = inputs(paramsModal(playbook, 7, { targets: names, service: { postgres: "orders-db" } }));
    expect(target!.element.type).toBe("static_select");
    expect(target!.element.options!.map((o) => o.value)).toEqual(["billing-db", "orders-db"]);
    expect(target!.element.initial_option?.value).toBe("orders-db");
    // Only one cluster is configured: it is the choice already made.
    expect(cluster!.element.initial_option?.value).toBe("prod");
    // Without a service mapping, two databases mean a person chooses.
    expect(inputs(paramsModal(playbook, 7, { targets: names }))[0]!.element.initial_option).toBeUndefined();
  });

  it("never start from a target that is not configured", () => {
    expect(initialTarget("postgres", "gone-db", names, { postgres: "also-gone" })).toBeUndefined();
    expect(initialTarget("postgres", undefined, names, { postgres: "billing-db" })).toBe("billing-db");
  });

  it("refuse a name that is not configured, before the run starts, naming those that are", () => {
    const refused = coerceParams(playbook, { target: "demo-db", cluster: "prod" }, names);
    expect(refused).toEqual({ ok: false, errors: { target: "“demo-db” is not a postgres target in firebreak.yaml; choose one of billing-db, orders-db." } });
    expect(coerceParams(playbook, { target: "orders-db", cluster: "prod" }, names)).toEqual({ ok: true, params: { target: "orders-db", cluster: "prod" } });
    const none = coerceParams(playbook, { target: "orders-db", cluster: "prod" }, { ...names, kubernetes: [] });
    expect(none.ok === false && none.errors.cluster).toBe("“prod” is not a kubernetes target in firebreak.yaml; none is configured: add one under targets.kubernetes in firebreak.yaml.");
  });
});
