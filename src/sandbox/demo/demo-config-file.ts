// The sandbox's firebreak.yaml: its approver groups and the Kubernetes and traffic targets the
// shipped playbooks name. Written to the sandbox's data dir, where `cat` shows a working example.
import { stringify } from "yaml";
import { DEMO_K8S } from "./demo-clusters.js";
import { DEMO_METRICS } from "./demo-metrics.js";

export function demoConfigFile(input: { dbaGroup: string; kubeconfigs: Record<string, string> }): string {
  const config = {
    lifecycle: { archive_after_minutes: 1440 },
    approver_groups: {
      dba: { usergroup: input.dbaGroup },
      // Built in anyway; written out so the example shows it: the people PagerDuty had on call
      // (invited when the channel opened) and whoever holds a role in the incident.
      oncall: { responders: true },
    },
    // What the post-mortem measures for the demo's page (PagerDuty's "Orders API"): failed
    // requests over the incident, and the database CPU the rebuild brings down, charted.
    services: {
      "orders-api": {
        display_name: "Orders API",
        impact: [{ query: DEMO_METRICS.errorCountQuery, label: "failed requests" }],
        chart: { query: DEMO_METRICS.cpuQuery, label: "orders database CPU %" },
      },
    },
    targets: {
      kubernetes: Object.fromEntries(Object.entries(input.kubeconfigs).map(([name, path]) => [name, { kubeconfig: path, context: name }])),
      traffic: { [DEMO_K8S.trafficSwitch]: { kind: "gateway", cluster: DEMO_K8S.production, namespace: DEMO_K8S.namespace, route: DEMO_K8S.route } },
    },
  };
  return `# Written by \`firebreak demo\`; see README "firebreak.yaml".\n${stringify(config)}`;
}
