// Server-side printing: `kubectl get` (without -o json/yaml) asks for
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` and prints the Table's columns as they
// come. Columns and cells follow the API server's printers for these kinds
// (kubernetes/kubernetes pkg/printers/internalversion/printers.go) and, for HTTPRoute, the CRD's
// additionalPrinterColumns. Rows carry PartialObjectMetadata unless includeObject says otherwise.
// https://kubernetes.io/docs/reference/using-api/api-concepts/#receiving-resources-as-tables
import type { Json } from "./patches.js";

type JsonObject = { [key: string]: Json };

interface Column {
  name: string;
  type: string;
  format?: string;
  description: string;
  priority?: number;
  cell: (object: JsonObject, now: Date) => Json;
}

const get = (object: Json | undefined, path: string): Json | undefined => {
  let node: Json | undefined = object;
  for (const key of path.split(".")) node = node !== null && typeof node === "object" && !Array.isArray(node) ? node[key] : undefined;
  return node;
};
const num = (object: JsonObject, path: string) => Number(get(object, path) ?? 0);

/** apimachinery's duration.HumanDuration, which the AGE column uses. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${hours / 24}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${days / 365}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

const name: Column = { name: "Name", type: "string", format: "name", description: "Name must be unique within a namespace.", cell: (o) => get(o, "metadata.name") ?? "" };
const age: Column = {
  name: "Age", type: "string", description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
  cell: (o, now) => {
    const created = get(o, "metadata.creationTimestamp");
    return typeof created === "string" ? humanDuration(now.getTime() - Date.parse(created)) : "<unknown>";
  },
};
const containers = (o: JsonObject) => ((get(o, "spec.template.spec.containers") ?? []) as JsonObject[]);
const wideContainers: Column[] = [
  { name: "Containers", type: "string", priority: 1, description: "Names of each container in the template.", cell: (o) => containers(o).map((c) => String(c.name)).join(",") },
  { name: "Images", type: "string", priority: 1, description: "Images referenced by each container in the template.", cell: (o) => containers(o).map((c) => String(c.image)).join(",") },
];
const ready: Column = { name: "Ready", type: "string", description: "Number of the pod with ready state", cell: (o) => `${num(o, "status.readyReplicas")}/${get(o, "spec.replicas") ?? 1}` };
const selector = (o: JsonObject) => Object.entries((get(o, "spec.selector.matchLabels") ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(",") || "<none>";

const podReady = (o: JsonObject) => ((get(o, "status.conditions") ?? []) as JsonObject[]).some((c) => c.type === "Ready" && c.status === "True");

const columns: Record<string, Column[]> = {
  deployments: [
    name, ready,
    { name: "Up-to-date", type: "integer", description: "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", cell: (o) => num(o, "status.updatedReplicas") },
    { name: "Available", type: "integer", description: "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", cell: (o) => num(o, "status.availableReplicas") },
    age, ...wideContainers,
    { name: "Selector", type: "string", priority: 1, description: "Label selector for pods.", cell: selector },
  ],
  statefulsets: [name, ready, age, ...wideContainers],
  pods: [
    name,
    { name: "Ready", type: "string", description: "The aggregate readiness state of this pod for accepting traffic.", cell: (o) => `${podReady(o) ? 1 : 0}/${((get(o, "spec.containers") ?? []) as Json[]).length}` },
    { name: "Status", type: "string", description: "The aggregate status of the containers in this pod.", cell: (o) => get(o, "status.phase") ?? "Unknown" },
    { name: "Restarts", type: "string", description: "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.", cell: () => "0" },
    age,
    { name: "IP", type: "string", priority: 1, description: "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", cell: (o) => get(o, "status.podIP") ?? "<none>" },
    { name: "Node", type: "string", priority: 1, description: "NodeName is a request to schedule this pod onto a specific node.", cell: (o) => get(o, "spec.nodeName") ?? "<none>" },
    { name: "Nominated Node", type: "string", priority: 1, description: "nominatedNodeName is set only when this pod preempts other pods on the node.", cell: () => "<none>" },
    { name: "Readiness Gates", type: "string", priority: 1, description: "If specified, all readiness gates will be evaluated for pod readiness.", cell: () => "<none>" },
  ],
  httproutes: [
    name,
    { name: "Hostnames", type: "string", description: "", cell: (o) => (Array.isArray(get(o, "spec.hostnames")) ? JSON.stringify(get(o, "spec.hostnames")) : "<none>") },
    { ...age, type: "date", description: "" },
  ],
};

export type IncludeObject = "None" | "Metadata" | "Object";

/** Whether the Accept header asks for a meta.k8s.io/v1 Table. */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? "").split(",").some((media) => {
    const params = new Set(media.split(";").map((p) => p.trim().replace(/\s+/g, "")));
    return params.has("as=Table") && params.has("g=meta.k8s.io") && params.has("v=v1");
  });
}

export function toTable(resource: string, objects: JsonObject[], now: Date, listMeta: JsonObject, include: IncludeObject = "Metadata"): JsonObject {
  const defs = columns[resource] ?? [name, age];
  const rowObject = (o: JsonObject): Json =>
    include === "Object" ? o : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata ?? {} };
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: defs.map((c) => ({ name: c.name, type: c.type, format: c.format ?? "", description: c.description, priority: c.priority ?? 0 })),
    rows: objects.map((o) => ({ cells: defs.map((c) => c.cell(o, now)), ...(include === "None" ? {} : { object: rowObject(o) }) })),
  };
}
