// The layout's import rules (DESIGN.md, "Layers"), checked over the real import graph: a wrong-way
// import fails here with the file, the import and the rule it breaks.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { edgesOf, importEdges, sourceFiles, type ImportEdge } from "./import-graph.js";
import { layerOf, mayImport, SANDBOX_ENTRY } from "./import-rules.js";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

function violations(edges: ImportEdge[]): string[] {
  return edges.flatMap((edge) => {
    const from = layerOf(edge.from);
    const to = layerOf(edge.to);
    if (to === "sandbox" && from !== "sandbox") {
      const entry = edge.from === SANDBOX_ENTRY.from && edge.to === SANDBOX_ENTRY.to && edge.dynamic;
      return entry ? [] : [`src/${edge.from} imports src/${edge.to}: the product never imports the sandbox (only cli.ts's demo command loads it, with import())`];
    }
    if (from === to || mayImport[from].includes(to)) return [];
    return [`src/${edge.from} imports src/${edge.to}: ${from} may import only ${[from, ...mayImport[from]].join(", ")}`];
  });
}

describe("import direction", () => {
  it("every file of src/ sits in a layer of the layout", () => {
    expect(() => sourceFiles(SRC).forEach((file) => layerOf(file))).not.toThrow();
  });

  it("no import runs against the layers", () => {
    expect(violations(importEdges(SRC))).toEqual([]);
  });

  it("every relative import resolves to a file of src/", () => {
    const files = new Set(sourceFiles(SRC));
    const dangling = importEdges(SRC).filter((edge) => !files.has(edge.to) && !edge.to.endsWith("/"));
    expect(dangling.map((edge) => `src/${edge.from} -> ${edge.to}`)).toEqual([]);
  });

  // The checker itself: each rule refuses what it should, so a passing run above means something.
  it("refuses an adapter importing a flow, a view, or the sandbox", () => {
    const edges = [
      ...edgesOf(SRC, "adapters/slack-chat.ts", 'import { x } from "../incidents/declare-incident.js";'),
      ...edgesOf(SRC, "adapters/github.ts", 'import type { Y } from "../views/slack/mrkdwn.js";'),
      ...edgesOf(SRC, "adapters/github.ts", 'const e = await import("../sandbox/emulators/github/github-emulator.js");'),
    ];
    expect(violations(edges)).toEqual([
      "src/adapters/slack-chat.ts imports src/incidents/declare-incident.ts: adapters may import only adapters, ports, domain, kernel",
      "src/adapters/github.ts imports src/views/slack/mrkdwn.ts: adapters may import only adapters, ports, domain, kernel",
      "src/adapters/github.ts imports src/sandbox/emulators/github/github-emulator.ts: the product never imports the sandbox (only cli.ts's demo command loads it, with import())",
    ]);
  });

  it("refuses the domain importing anything above it, and a static import of the sandbox from the CLI", () => {
    const edges = [
      ...edgesOf(SRC, "domain/playbook-run.ts", 'import type { ActionRegistry } from "../playbooks/action-registry.js";'),
      ...edgesOf(SRC, "domain/playbook-run.ts", 'import type { Store } from "../ports/store.js";'),
      ...edgesOf(SRC, "cli.ts", 'import { startDemo } from "./sandbox/demo/start-demo.js";'),
      ...edgesOf(SRC, "cli.ts", 'const { startDemo } = await import("./sandbox/demo/start-demo.js");'),
    ];
    expect(violations(edges)).toHaveLength(3);
  });

  it("refuses a flow importing an adapter and a view importing a flow", () => {
    const edges = [
      ...edgesOf(SRC, "playbooks/actions/kubernetes-scale.ts", 'import { patchScale } from "../../adapters/kubernetes.js";'),
      ...edgesOf(SRC, "views/slack/step-message.ts", 'import type { X } from "../../playbooks/engine/engine-deps.js";'),
    ];
    expect(violations(edges)).toHaveLength(2);
  });
});
