// What a post-mortem is drafted from, and what people changed in it. Drafting is a pure function
// of this record; human edits are kept apart so regenerating never loses them.
import type { Incident } from "./incident.js";
import type { Followup, Role } from "./lifecycle.js";
import type { PlaybookRun } from "./playbook-run.js";
import type { PostmortemNorms } from "./postmortem-norms.js";
import type { TimelineEntry } from "./timeline.js";
import type { PostmortemMeasurements } from "./measurements.js";

/** Sections a person wrote or corrected; absent means "use the draft". */
export interface PostmortemEdits {
  tldr?: string;
  /** What users saw, with a figure where there is one; recorded impacts are the draft. */
  impact?: string;
  rootCause?: string;
  /** What was done to resolve it; the resolve summary is the draft. */
  resolution?: string;
  /** Extra remediation items, one per line (follow-ups recorded in Slack are always included). */
  remediations?: string;
  wentWell?: string;
  wentPoorly?: string;
}

export interface PostmortemRecord {
  incident: Incident;
  timeline: TimelineEntry[];
  runs: PlaybookRun[];
  followups: Followup[];
  roles: Role[];
  edits: PostmortemEdits;
  /** Display names for Slack user ids, so the document reads "Ada Oncall", not "<@U0ADA>". */
  names: Record<string, string>;
  /** Display names for services (firebreak.yaml `services.<name>.display_name`); the name otherwise. */
  serviceNames?: Record<string, string>;
  timeZone: string;
  /** What the suggested "went well / poorly" items are judged against; the defaults otherwise. */
  norms?: PostmortemNorms;
  /** Link to the incident's Slack channel, when known. */
  channelUrl?: string;
  /** Where the post-mortem was published, when it was. */
  pullRequestUrl?: string;
  /** What Datadog measured when it was drafted (impact figures, the chart's series). */
  measurements?: PostmortemMeasurements;
}

export interface PublishedIssue {
  followupId: number;
  number: number;
  url: string;
}
