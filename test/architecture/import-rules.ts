// The layer rules of DESIGN.md's layout, as data: which folder of src/ may import which.
// Dependencies point one way: flows combine ports, domain and views; adapters implement ports and
// import no flow; nothing in the product imports the sandbox (the CLI's `demo` command loads it
// lazily, and only there).

export type Layer =
  | "kernel"
  | "domain"
  | "ports"
  | "adapters"
  | "views"
  | "sources"
  | "jobs"
  | "flows"
  | "http"
  | "slack"
  | "root"
  | "sandbox";

const FLOWS = ["incidents", "playbooks", "postmortem", "markers"];

/** The layer a file under src/ belongs to, from its path relative to src/. */
export function layerOf(pathInSrc: string): Layer {
  const top = pathInSrc.includes("/") ? pathInSrc.slice(0, pathInSrc.indexOf("/")) : "";
  // The CLI's own commands (doctor) wire adapters as main.ts and cli.ts do.
  if (top === "" || top === "doctor") return "root";
  if (FLOWS.includes(top)) return "flows";
  const layers: readonly string[] = ["kernel", "domain", "ports", "adapters", "views", "sources", "jobs", "http", "slack", "sandbox"];
  if (layers.includes(top)) return top as Layer;
  throw new Error(`src/${pathInSrc} is in no layer: put it in one of ${[...layers, ...FLOWS].join(", ")}`);
}

/** What each layer may import besides itself. */
export const mayImport: Record<Layer, readonly Layer[]> = {
  kernel: [],
  domain: ["kernel"],
  ports: ["domain", "kernel"],
  adapters: ["ports", "domain", "kernel"],
  views: ["ports", "domain", "kernel"],
  sources: ["domain", "kernel"],
  jobs: ["ports", "domain", "kernel"],
  flows: ["jobs", "sources", "views", "ports", "domain", "kernel"],
  http: ["flows", "jobs", "sources", "views", "ports", "domain", "kernel"],
  slack: ["http", "flows", "jobs", "sources", "views", "adapters", "ports", "domain", "kernel"],
  root: ["slack", "http", "flows", "jobs", "sources", "views", "adapters", "ports", "domain", "kernel"],
  sandbox: ["root", "slack", "http", "flows", "jobs", "sources", "views", "adapters", "ports", "domain", "kernel"],
};

/** The one import of the sandbox the product makes: the `demo` command, loaded only when run. */
export const SANDBOX_ENTRY = { from: "cli.ts", to: "sandbox/demo/start-demo.ts", dynamicOnly: true } as const;
