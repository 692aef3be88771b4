// The Kubernetes emulator's protocol, request by request over its TLS port: what discovery, lists,
// Tables, watches and failed writes look like on the wire, per the API conventions
// (https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md)
// and the API concepts page (https://kubernetes.io/docs/reference/using-api/api-concepts/).
import { request, type RequestOptions } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubernetesEmulator, type KubernetesEmulator } from "../../src/sandbox/emulators/kubernetes/kubernetes-emulator.js";

/** JSON from the wire, read field by field in each assertion. */
type Wire = any;

interface Answer {
  status: number;
  contentType: string | undefined;
  body: Wire;
}

describe("Kubernetes emulator protocol", () => {
  let k8s: KubernetesEmulator;
  const clock = new Date("2026-03-08T09:00:00Z");

  const call = (path: string, options: RequestOptions & { body?: string } = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request(`${k8s.url}${path}`, { ca: k8s.caCertificate, ...options, headers: { authorization: `Bearer ${k8s.token}`, ...options.headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"], body: text.startsWith("{") ? JSON.parse(text) : text });
        });
      });
      req.on("error", reject);
      req.end(options.body);
    });

  /** Opens a watch; `events()` is what has arrived so far, `close()` hangs up as a client does. */
  const watch = (path: string) =>
    new Promise<{ events: () => { type: string; object: Wire }[]; close: () => void }>((resolve, reject) => {
      let text = "";
      const req = request(`${k8s.url}${path}`, { ca: k8s.caCertificate, headers: { authorization: `Bearer ${k8s.token}` } }, (res) => {
        res.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
        res.on("error", () => undefined);
        resolve({ events: () => text.split("\n").filter(Boolean).map((line) => JSON.parse(line)), close: () => req.destroy() });
      });
      req.on("error", (error) => (req.destroyed ? undefined : reject(error)));
      req.end();
    });
  async function until(fact: () => boolean): Promise<void> {
    while (!fact()) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  beforeAll(async () => {
    k8s = await startKubernetesEmulator({ tickMs: 0, now: () => clock });
    for (const name of ["alpha", "bravo", "charlie"]) k8s.addDeployment({ name, replicas: 1, labels: { app: name, tier: name === "charlie" ? "back" : "front" } });
    k8s.addDeployment({ namespace: "prod", name: "api", replicas: 2 });
    k8s.addHttpRoute({ namespace: "prod", name: "web", hostnames: ["web.example"], rules: [{ backendRefs: [{ name: "web", port: 80 }] }] });
  });
  afterAll(() => k8s.close());

  it("refuses requests without the token with a 401 Status, but tells anyone its version", async () => {
    expect(await call("/apis/apps/v1/namespaces/default/deployments", { headers: { authorization: "" } })).toMatchObject({
      status: 401,
      body: { kind: "Status", apiVersion: "v1", status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 },
    });
    expect(await call("/version", { headers: { authorization: "" } })).toMatchObject({ status: 200, body: { major: "1", minor: "32" } });
  });

  it("serves legacy discovery, and the aggregated document to clients that ask for it", async () => {
    expect((await call("/api")).body).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    expect((await call("/apis")).body.groups.map((g: { name: string }) => g.name)).toEqual(["apps", "gateway.networking.k8s.io"]);
    const apps = (await call("/apis/apps/v1")).body;
    expect(apps.resources.find((r: { name: string }) => r.name === "deployments")).toEqual({
      name: "deployments", singularName: "deployment", namespaced: true, kind: "Deployment",
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], shortNames: ["deploy"], categories: ["all"], storageVersionHash: "8aSe+NMegvE=",
    });
    expect(apps.resources.find((r: { name: string }) => r.name === "deployments/scale")).toEqual({
      name: "deployments/scale", singularName: "", namespaced: true, group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"],
    });
    expect((await call("/api/v1")).body.resources.find((r: { name: string }) => r.name === "pods").shortNames).toEqual(["po"]);
    expect((await call("/apis/batch/v1")).status).toBe(404);

    const aggregated = await call("/apis", { headers: { accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json" } });
    expect(aggregated.contentType).toBe("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    const statefulSets = aggregated.body.items[0].versions[0].resources.find((r: { resource: string }) => r.resource === "statefulsets");
    expect(statefulSets).toMatchObject({ scope: "Namespaced", shortNames: ["sts"], subresources: [{ subresource: "scale", responseKind: { group: "autoscaling", version: "v1", kind: "Scale" } }, { subresource: "status" }] });
  });

  it("lists by label and field selectors, in pages that continue where they stopped", async () => {
    const names = (answer: Answer) => answer.body.items.map((d: { metadata: { name: string } }) => d.metadata.name);
    expect(names(await call("/apis/apps/v1/namespaces/default/deployments?labelSelector=tier%3Dfront"))).toEqual(["alpha", "bravo"]);
    expect(names(await call("/apis/apps/v1/namespaces/default/deployments?labelSelector=app%20notin%20(alpha),tier"))).toEqual(["bravo", "charlie"]);
    expect(names(await call("/apis/apps/v1/deployments?fieldSelector=metadata.namespace%3Dprod"))).toEqual(["api"]);
    expect(await call("/apis/apps/v1/deployments?fieldSelector=spec.replicas%3D1")).toMatchObject({ status: 400, body: { reason: "BadRequest", message: "field label not supported: spec.replicas" } });

    const first = await call("/apis/apps/v1/namespaces/default/deployments?limit=2");
    expect(first.body).toMatchObject({ kind: "DeploymentList", apiVersion: "apps/v1", metadata: { remainingItemCount: 1 } });
    expect(names(first)).toEqual(["alpha", "bravo"]);
    const second = await call(`/apis/apps/v1/namespaces/default/deployments?limit=2&continue=${first.body.metadata.continue}`);
    expect(names(second)).toEqual(["charlie"]);
    expect(second.body.metadata.continue).toBeUndefined();
    expect(second.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
  });

  it("answers a Table to clients that ask for one, with the server printer's columns", async () => {
    const table = await call("/api/v1/namespaces/prod/pods", { headers: { accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" } });
    expect(table.body.kind).toBe("Table");
    expect(table.body.columnDefinitions.map((c: { name: string; priority: number }) => `${c.name}:${c.priority}`)).toEqual([
      "Name:0", "Ready:0", "Status:0", "Restarts:0", "Age:0", "IP:1", "Node:1", "Nominated Node:1", "Readiness Gates:1",
    ]);
    expect(table.body.rows.map((r: { cells: unknown[] }) => r.cells.slice(1, 5))).toEqual([["1/1", "Running", "0", "0s"], ["1/1", "Running", "0", "0s"]]);
    expect(table.body.rows[0].object).toMatchObject({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: { namespace: "prod" } });
    const route = await call("/apis/gateway.networking.k8s.io/v1/namespaces/prod/httproutes/web", { headers: { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" } });
    expect(route.body.rows[0].cells).toEqual(["web", '["web.example"]', "0s"]);
  });

  it("streams the changes after a resourceVersion, and says 410 Expired for one it no longer has", async () => {
    const list = await call("/apis/apps/v1/namespaces/prod/deployments");
    const stream = await watch(`/apis/apps/v1/namespaces/prod/deployments?watch=1&resourceVersion=${list.body.metadata.resourceVersion}&fieldSelector=metadata.name%3Dapi`);
    const others = await watch(`/apis/apps/v1/namespaces/default/deployments?watch=1&resourceVersion=${list.body.metadata.resourceVersion}`);
    expect((await call("/apis/apps/v1/namespaces/prod/deployments/api/scale", { method: "PATCH", headers: { "content-type": "application/merge-patch+json" }, body: '{"spec":{"replicas":3}}' })).status).toBe(200);
    k8s.tick();
    await until(() => stream.events().length >= 2);
    const events = stream.events();
    expect(events.map((e) => [e.type, e.object.metadata.generation, e.object.spec.replicas, e.object.status.observedGeneration])).toEqual([
      ["MODIFIED", 2, 3, 1],
      ["MODIFIED", 2, 3, 2],
    ]);
    expect(Number(events[1]!.object.metadata.resourceVersion)).toBeGreaterThan(Number(events[0]!.object.metadata.resourceVersion));
    expect(others.events()).toEqual([]);
    stream.close();
    others.close();

    const initial = await watch("/apis/apps/v1/namespaces/default/deployments?watch=1&labelSelector=tier%3Dback");
    await until(() => initial.events().length >= 1);
    expect(initial.events().map((e) => [e.type, e.object.metadata.name])).toEqual([["ADDED", "charlie"]]);
    initial.close();

    const expired = await watch("/apis/apps/v1/namespaces/prod/deployments?watch=1&resourceVersion=1");
    await until(() => expired.events().length >= 1);
    expect(expired.events()).toEqual([{ type: "ERROR", object: expect.objectContaining({ kind: "Status", code: 410, reason: "Expired" }) }]);
  });

  it("answers failed writes with the Status codes the API conventions give them", async () => {
    const path = "/apis/apps/v1/namespaces/prod/deployments/api";
    const current = (await call(path)).body;
    const stale = { ...current, metadata: { ...current.metadata, resourceVersion: "1" }, spec: { ...current.spec, replicas: 4 } };
    expect(await call(path, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(stale) })).toMatchObject({
      status: 409,
      body: { kind: "Status", reason: "Conflict", code: 409, details: { name: "api", group: "apps", kind: "deployments" } },
    });
    expect(await call(path, { method: "PATCH", headers: { "content-type": "application/merge-patch+json" }, body: '{"spec":{"replicas":-1}}' })).toMatchObject({
      status: 422,
      body: { reason: "Invalid", message: 'Deployment "api" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0' },
    });
    expect(await call("/apis/apps/v1/namespaces/prod/deployments/nope")).toMatchObject({ status: 404, body: { reason: "NotFound", message: 'deployments.apps "nope" not found' } });
    expect(await call("/api/v1/namespaces/prod/pods/nope")).toMatchObject({ status: 404, body: { message: 'pods "nope" not found' } });
    expect(await call("/apis/apps/v1/namespaces/prod/deployments", { method: "DELETE" })).toMatchObject({ status: 405, body: { reason: "MethodNotAllowed" } });
    k8s.failNext("GET /apis/apps/v1/namespaces/prod/deployments/api", 403);
    expect(await call(path)).toMatchObject({ status: 403, body: { reason: "Forbidden" } });
  });
});
