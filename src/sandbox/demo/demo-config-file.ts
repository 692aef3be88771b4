// The sandbox's firebreak.yaml: its approver groups and the Kubernetes and traffic targets the
// shipped playbooks name. Written to the sandbox's data dir, where `cat` shows a working example.
import { stringify } from "yaml";
import { DEMO_K8S } from "./demo-clusters.js";

export function demoConfigFile(input: { dbaGroup: string; kubeconfigs: Record<string, string> }): string {
  const config = {
    lifecycle: { archive_after_minutes: 1440 },
    approver_groups: {
      dba: { usergroup: input.dbaGroup },
      // Built in anyway; written out so the example shows it: the people PagerDuty had on call
      // (invited when the channel opened) and whoever holds a role in the incident.
      oncall: { responders: true },
    },
    targets: {
      kubernetes: Object.fromEntries(Object.entries(input.kubeconfigs).map(([name, path]) => [name, { kubeconfig: path, context: name }])),
      traffic: { [DEMO_K8S.trafficSwitch]: { kind: "gateway", cluster: DEMO_K8S.production, namespace: DEMO_K8S.namespace, route: DEMO_K8S.route } },
    },
  };
  return `# Written by \`firebreak demo\`; see README "firebreak.yaml".\n${stringify(config)}`;
}
