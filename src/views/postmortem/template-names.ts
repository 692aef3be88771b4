// The names a post-mortem template may use, with what each holds: templates are checked against
// this list when they are loaded (at start-up, before readiness), so it lives apart from the
// draft and its chart renderer.
import type { TemplateNames } from "./template-engine.js";

const link = { text: "the link's text", url: "its address" };

/** Every name the template may use; templates are checked against it when they are loaded. */
export const postmortemTemplateNames = {
  id: "the incident's id, INC-42",
  title: "the incident's title",
  severity: "the severity now: SEV1 to SEV4",
  status: "investigating, identified, monitoring or resolved",
  source: "where it was declared from: PagerDuty, Datadog or Slack",
  commander: "the incident commander's name (empty when nobody is)",
  declaredBy: "who declared it in Slack (empty for a page or an alert)",
  roles: { role: "a role other than commander, such as Comms", person: "who holds it" },
  services: "the affected services, comma-separated (empty when none were recorded)",
  detected: "when it was detected: Wed Jan 14, 2026, 9:05am PT",
  resolved: "when it was resolved (empty while it is ongoing)",
  links: { slack: link, pagerduty: link, datadog: link, pullRequest: link },
  tldr: "the summary: the edited one, or one assembled from the record",
  impact: {
    statement: "what users saw, as recorded with /incident impact or written in Edit (empty until someone says)",
    measured: "figures measured by the impact queries in firebreak.yaml, one markdown list item each (empty without them)",
    window: "from detection to resolution",
    duration: "how long that was, or ongoing",
    services: "the affected services, comma-separated",
    pages: "how many pages and alerts were received",
    severity: "the severity, with any changes and when they happened",
  },
  background: { entries: { time: "Mon Feb 9, 2026, 10:12am PT", text: "context from before the trouble started (a deploy, say), ready for a table cell" } },
  timeline: { day: "the heading of one local day: Wednesday, January 14, 2026", entries: { time: "9:05am PT", text: "what happened, ready for a table cell; key moments are marked in bold" } },
  rootCause: "the root cause as written in Slack (empty until someone writes it)",
  resolution: {
    summary: "what was done to resolve it, as written when resolving or in Edit",
    actions: { time: "9:58am PT", text: "a playbook step that ran on a person's approval, with who approved it" },
  },
  remediations: {
    text: "a follow-up, or a remediation line added in the edit form",
    issue: link,
    done: "true once done (closed on GitHub, or marked done in Slack)",
    box: "x when done, a space when open: `- [{{box}}]` is a GitHub task list item",
    owner: "the owner's name (empty when none)",
    due: "the due day, 2026-12-20 (empty when none)",
    details: "owner and due day in words: owner Ada Oncall, due 2026-12-20 (empty when neither)",
  },
  wentWell: "as written, or items suggested from the record, each marked for the writer to keep or delete (empty when none apply)",
  wentPoorly: "as written, or items suggested from the record, each marked for the writer to keep or delete (empty when none apply)",
  chart: { path: "the chart's SVG, relative to the document", alt: "what the chart shows, for the image's alt text" },
  durations: {
    detect: "from the entry marked as the start of trouble (`/incident note trigger at …`) to detection; otherwise —",
    acknowledge: "from detection to the first acknowledgement or status change",
    identify: "from detection to the status identified (or a later one)",
    mitigate: "from detection to mitigation: monitoring, the time given when resolving, or resolution",
    resolve: "from detection to resolution",
  },
} satisfies TemplateNames;
