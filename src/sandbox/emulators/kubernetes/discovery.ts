// The discovery documents kubectl reads before any other call: /version, /api, /apis and one
// APIResourceList per group version, plus the aggregated form (apidiscovery.k8s.io/v2) that
// kubectl 1.30+ asks for first. Entries are copied from what a v1.32 API server serves, limited
// to the resources this emulator holds, so kubectl resolves "deploy", "sts", "po", the scale
// subresource's autoscaling/v1 kind, and HTTPRoute exactly as it would against a cluster.
// Sources: kubernetes/kubernetes api/discovery/{api__v1,apis__apps__v1,aggregated_v2}.json,
// and the Gateway API's HTTPRoute CRD (names, categories) for gateway.networking.k8s.io/v1.
// https://kubernetes.io/docs/concepts/overview/kubernetes-api/#discovery-api

export interface Subresource {
  name: string;
  kind: string;
  /** Set when the subresource answers with another group's kind (Scale is autoscaling/v1). */
  group?: string;
  version?: string;
  verbs: string[];
}

export interface ApiResource {
  group: string;
  version: string;
  /** The plural, as in the path. */
  name: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
  subresources: Subresource[];
}

const READ_WRITE = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const STATUS_VERBS = ["get", "patch", "update"];
const SCALE = { name: "scale", kind: "Scale", group: "autoscaling", version: "v1", verbs: STATUS_VERBS };

export const GATEWAY_GROUP = "gateway.networking.k8s.io";

export const resources: ApiResource[] = [
  {
    group: "", version: "v1", name: "pods", singularName: "pod", kind: "Pod", namespaced: true, verbs: READ_WRITE, shortNames: ["po"], categories: ["all"], storageVersionHash: "xPOwRZ+Yhw8=",
    subresources: [
      { name: "attach", kind: "PodAttachOptions", verbs: ["create", "get"] },
      { name: "binding", kind: "Binding", verbs: ["create"] },
      { name: "ephemeralcontainers", kind: "Pod", verbs: STATUS_VERBS },
      { name: "eviction", kind: "Eviction", group: "policy", version: "v1", verbs: ["create"] },
      { name: "exec", kind: "PodExecOptions", verbs: ["create", "get"] },
      { name: "log", kind: "Pod", verbs: ["get"] },
      { name: "portforward", kind: "PodPortForwardOptions", verbs: ["create", "get"] },
      { name: "proxy", kind: "PodProxyOptions", verbs: ["create", "delete", "get", "patch", "update"] },
      { name: "status", kind: "Pod", verbs: STATUS_VERBS },
    ],
  },
  {
    group: "apps", version: "v1", name: "deployments", singularName: "deployment", kind: "Deployment", namespaced: true, verbs: READ_WRITE, shortNames: ["deploy"], categories: ["all"],
    storageVersionHash: "8aSe+NMegvE=", subresources: [SCALE, { name: "status", kind: "Deployment", verbs: STATUS_VERBS }],
  },
  {
    group: "apps", version: "v1", name: "statefulsets", singularName: "statefulset", kind: "StatefulSet", namespaced: true, verbs: READ_WRITE, shortNames: ["sts"], categories: ["all"],
    storageVersionHash: "H+vl74LkKdo=", subresources: [SCALE, { name: "status", kind: "StatefulSet", verbs: STATUS_VERBS }],
  },
  {
    // A CRD: the server lists its verbs in this order, and has no storageVersionHash to offer here.
    group: GATEWAY_GROUP, version: "v1", name: "httproutes", singularName: "httproute", kind: "HTTPRoute", namespaced: true,
    verbs: ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"], categories: ["gateway-api"],
    subresources: [{ name: "status", kind: "HTTPRoute", verbs: STATUS_VERBS }],
  },
];

export const groups = [...new Set(resources.map((r) => r.group))];

export function findResource(group: string, version: string, name: string): ApiResource | undefined {
  return resources.find((r) => r.group === group && r.version === version && r.name === name);
}

/** What `kubectl version` shows as the server; minor 32 matches the kubectl this is tested with. */
export const versionInfo = {
  major: "1", minor: "32", gitVersion: "v1.32.4", gitCommit: "59526cd4867447956156ae3a602fcbac10a2c335", gitTreeState: "clean",
  buildDate: "2025-04-22T16:02:27Z", goVersion: "go1.23.6", compiler: "gc", platform: "linux/amd64",
};

const groupVersion = (group: string, version: string) => (group === "" ? version : `${group}/${version}`);

/** GET /api: the core group's versions (APIVersions). */
export function coreVersions(serverAddress: string) {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
}

function apiGroup(name: string) {
  const gv = { groupVersion: groupVersion(name, "v1"), version: "v1" };
  return { name, versions: [gv], preferredVersion: gv };
}

/** GET /apis (APIGroupList). */
export function groupList() {
  return { kind: "APIGroupList", apiVersion: "v1", groups: groups.filter((g) => g !== "").map(apiGroup) };
}

/** GET /apis/<group> (APIGroup), or undefined for a group this server does not serve. */
export function groupDocument(name: string) {
  return groups.includes(name) && name !== "" ? { kind: "APIGroup", apiVersion: "v1", ...apiGroup(name) } : undefined;
}

/** GET /api/v1 or /apis/<group>/<version> (APIResourceList), or undefined when not served. */
export function resourceList(group: string, version: string) {
  const served = resources.filter((r) => r.group === group && r.version === version);
  if (served.length === 0) return undefined;
  const entries = served.flatMap((r) => [
    {
      name: r.name, singularName: r.singularName, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}), ...(r.categories ? { categories: r.categories } : {}),
      ...(r.storageVersionHash ? { storageVersionHash: r.storageVersionHash } : {}),
    },
    ...r.subresources.map((s) => ({
      name: `${r.name}/${s.name}`, singularName: "", namespaced: r.namespaced, ...(s.group !== undefined ? { group: s.group, version: s.version } : {}), kind: s.kind, verbs: s.verbs,
    })),
  ]);
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: groupVersion(group, version), resources: entries };
}

export const AGGREGATED_DISCOVERY = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/**
 * GET /api or /apis with the aggregated Accept: every group's resources in one document, so
 * the client skips the per-group requests. A responseKind with empty group and version means
 * "this resource's own group version".
 * https://github.com/kubernetes/enhancements/tree/master/keps/sig-api-machinery/3352-aggregated-discovery
 */
export function aggregatedDiscovery(core: boolean) {
  const items = groups
    .filter((g) => (g === "") === core)
    .map((group) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: [
        {
          version: "v1",
          freshness: "Current",
          resources: resources
            .filter((r) => r.group === group)
            .map((r) => ({
              resource: r.name, responseKind: { group: "", version: "", kind: r.kind }, scope: r.namespaced ? "Namespaced" : "Cluster", singularResource: r.singularName,
              verbs: r.verbs, ...(r.shortNames ? { shortNames: r.shortNames } : {}), ...(r.categories ? { categories: r.categories } : {}),
              subresources: r.subresources.map((s) => ({ subresource: s.name, responseKind: { group: s.group ?? "", version: s.version ?? "", kind: s.kind }, verbs: s.verbs })),
            })),
        },
      ],
    }));
  return { kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {}, items };
}
