// deploy/kubernetes rendered by the kubectl on this machine (`kubectl kustomize`), each object
// validated against the Kubernetes API's OpenAPI definitions (and the ServiceMonitor against the
// Prometheus Operator's CRD schema), vendored in test/fixtures/schemas/, then held to Firebreak's
// runtime contract: PORT 3000, /readyz, /healthz, /metrics, and only variables src/kernel/config.ts reads.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { Ajv, type ValidateFunction } from "ajv";
import { parse, parseAllDocuments } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfigFile } from "../../src/kernel/config-file.js";
import { settings } from "../../src/kernel/config.js";

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [key: string]: unknown };
type JsonObject = Record<string, unknown>;

const kubectl = process.env.KUBECTL ?? "kubectl";
const byGroupVersionKind: Record<string, string> = {
  "apps/v1 Deployment": "io.k8s.api.apps.v1.Deployment",
  "v1 Service": "io.k8s.api.core.v1.Service",
  "v1 ConfigMap": "io.k8s.api.core.v1.ConfigMap",
  "v1 Secret": "io.k8s.api.core.v1.Secret",
  "policy/v1 PodDisruptionBudget": "io.k8s.api.policy.v1.PodDisruptionBudget",
  "networking.k8s.io/v1 NetworkPolicy": "io.k8s.api.networking.v1.NetworkPolicy",
};

/** Like kubectl's strict field validation: a field the API does not define is an error, not ignored. */
function closeObjects(schema: unknown): void {
  if (Array.isArray(schema)) return schema.forEach(closeObjects);
  if (!schema || typeof schema !== "object") return;
  const node = schema as JsonObject;
  if (node.properties && node.additionalProperties === undefined && !node["x-kubernetes-preserve-unknown-fields"]) node.additionalProperties = false;
  Object.values(node).forEach(closeObjects);
}

function kubernetesValidators(): (m: Manifest) => ValidateFunction {
  const spec = JSON.parse(readFileSync("test/fixtures/schemas/kubernetes-definitions.json", "utf8")) as { definitions: Record<string, JsonObject> };
  // The OpenAPI v2 document writes IntOrString as {type: string, format: int-or-string}; it accepts
  // either (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/ and
  // k8s.io/apimachinery/pkg/util/intstr), so say so in JSON Schema.
  spec.definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = { oneOf: [{ type: "string" }, { type: "integer" }] };
  closeObjects(spec.definitions);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: "k8s", definitions: spec.definitions });
  return (m) => {
    const definition = byGroupVersionKind[`${m.apiVersion} ${m.kind}`];
    if (!definition) throw new Error(`no vendored schema for ${m.apiVersion} ${m.kind}`);
    return ajv.getSchema(`k8s#/definitions/${definition}`)!;
  };
}

function serviceMonitorValidator(): ValidateFunction {
  const crd = parse(readFileSync("test/fixtures/schemas/monitoring.coreos.com_servicemonitors.yaml", "utf8")) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: JsonObject } }[] };
  };
  const schema = crd.spec.versions.find((v) => v.name === "v1")!.schema.openAPIV3Schema;
  closeObjects(schema);
  return new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
}

let objects: Manifest[] = [];
const find = (kind: string) => objects.find((o) => o.kind === kind) as Manifest & JsonObject;

beforeAll(async () => {
  const { stdout } = await promisify(execFile)(kubectl, ["kustomize", "deploy/kubernetes"]);
  objects = parseAllDocuments(stdout).map((d) => d.toJS() as Manifest);
});

describe("deploy/kubernetes", () => {
  it("renders a Deployment, Service, PodDisruptionBudget, NetworkPolicy, ServiceMonitor and two ConfigMaps", () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(["ConfigMap", "ConfigMap", "Deployment", "NetworkPolicy", "PodDisruptionBudget", "Service", "ServiceMonitor"]);
  });

  it("is valid against the Kubernetes API schema for each apiVersion, and the Prometheus Operator's for the ServiceMonitor", () => {
    const kubernetes = kubernetesValidators();
    const serviceMonitor = serviceMonitorValidator();
    const example = parse(readFileSync("deploy/kubernetes/secret.example.yaml", "utf8")) as Manifest;
    for (const object of [...objects, example]) {
      const validate = object.kind === "ServiceMonitor" ? serviceMonitor : kubernetes(object);
      expect(validate(object), `${object.kind} ${object.metadata.name}: ${JSON.stringify(validate.errors, null, 2)}`).toBe(true);
    }
    expect(find("ServiceMonitor").apiVersion).toBe("monitoring.coreos.com/v1");
  });

  it("runs two replicas, spread over nodes and zones, that a drain never takes both of", () => {
    const deployment = find("Deployment") as unknown as { spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { spec: { topologySpreadConstraints: { topologyKey: string }[] } } } };
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.topologySpreadConstraints.map((t) => t.topologyKey).sort()).toEqual(["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);
    const pdb = find("PodDisruptionBudget") as unknown as { spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } };
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
  });

  it("probes /readyz and /healthz, serves and scrapes /metrics on PORT 3000, and sets only variables Firebreak reads", () => {
    type Container = {
      ports: { name: string; containerPort: number }[]; env: { name: string; value?: string }[]; envFrom: { secretRef: { name: string } }[];
      readinessProbe: { httpGet: { path: string; port: string } }; livenessProbe: { httpGet: { path: string; port: string } };
      resources: { requests: object; limits: object };
    };
    const [container] = (find("Deployment") as unknown as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec.containers;
    const http = container!.ports.find((p) => p.name === "http")!;
    expect(http.containerPort).toBe(3000);
    expect(container!.env.find((e) => e.name === "PORT")?.value).toBe(String(http.containerPort));
    expect(container!.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container!.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    for (const { name } of container!.env) expect(Object.keys(settings)).toContain(name);
    expect(container!.resources.requests).toBeDefined();
    expect(container!.resources.limits).toBeDefined();

    const example = parse(readFileSync("deploy/kubernetes/secret.example.yaml", "utf8")) as { metadata: { name: string }; stringData: Record<string, string> };
    expect(container!.envFrom.map((e) => e.secretRef.name)).toEqual([example.metadata.name]);
    for (const name of Object.keys(example.stringData)) expect(Object.keys(settings)).toContain(name);
    for (const value of Object.values(example.stringData)) expect(value).not.toMatch(/^xox[bpa]-(?!CHANGE-ME)/);

    const service = find("Service") as unknown as { spec: { ports: { port: number; targetPort: string; name: string }[] } };
    expect(service.spec.ports).toEqual([expect.objectContaining({ name: "http", targetPort: "http" })]);
    const monitor = find("ServiceMonitor") as unknown as { spec: { endpoints: { port: string; path: string }[] } };
    expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: "http", path: "/metrics" })]);
    const policy = find("NetworkPolicy") as unknown as { spec: { ingress: { ports: { port: number }[] }[] } };
    expect(policy.spec.ingress.flatMap((r) => r.ports.map((p) => p.port))).toEqual([3000]);
  });

  it("runs unprivileged on a read-only root file system", () => {
    type Pod = { securityContext: JsonObject; automountServiceAccountToken: boolean; containers: { securityContext: JsonObject; volumeMounts: { mountPath: string }[] }[] };
    const pod = (find("Deployment") as unknown as { spec: { template: { spec: Pod } } }).spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.securityContext.runAsUser).not.toBe(0);
    expect(pod.containers[0]!.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.containers[0]!.volumeMounts.map((m) => m.mountPath)).toEqual(expect.arrayContaining(["/tmp", "/data"]));
  });

  it("mounts a valid firebreak.yaml and exactly the shipped playbooks", () => {
    type Volume = { name: string; configMap?: { name: string } };
    type Pod = { volumes: Volume[]; containers: { env: { name: string; value?: string }[]; volumeMounts: { name: string; mountPath: string }[] }[] };
    const pod = (find("Deployment") as unknown as { spec: { template: { spec: Pod } } }).spec.template.spec;
    const mountedConfigMap = (path: string) => {
      const mount = pod.containers[0]!.volumeMounts.find((m) => path.startsWith(m.mountPath))!;
      const name = pod.volumes.find((v) => v.name === mount.name)!.configMap!.name;
      return objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === name) as unknown as { data: Record<string, string> };
    };
    const configPath = pod.containers[0]!.env.find((e) => e.name === "FIREBREAK_CONFIG")!.value!;
    const configMap = mountedConfigMap(configPath);
    const file = loadConfigFile(configPath, () => configMap.data[configPath.split("/").at(-1)!]!);
    const [playbookDir] = file.playbook_dirs!;
    const playbooks = mountedConfigMap(`${playbookDir}/`).data;
    const shipped = Object.fromEntries(readdirSync("playbooks").filter((f) => f.endsWith(".yaml")).map((f) => [f, readFileSync(`playbooks/${f}`, "utf8")]));
    expect(playbooks).toEqual(shipped);
  });
});
