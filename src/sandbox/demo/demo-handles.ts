// What the sandbox's web page works with: the emulated Slack workspace it shows, the bot it talks
// to (through requests signed exactly as Slack and PagerDuty sign them), the local git
// repository post-mortems are published to, and the vendors' stand-in pages.
import type { SlackEmulator } from "../emulators/slack/slack-emulator.js";
import type { RepositoryBranch } from "./demo-repository.js";

export interface DemoUser {
  id: string;
  name: string;
  /** What this person does, whatever the incident: "on call", "DBA". */
  role: string;
}

export interface DemoHandles {
  slack: SlackEmulator;
  /** Firebreak's base URL; Slack requests go to `${botUrl}/slack/events`. */
  botUrl: string;
  signingSecret: string;
  users: DemoUser[];
  /** What each person is in the open incidents now, by user: "commander of INC-1", "scribe of INC-2". */
  incidentRoles(): Promise<Record<string, string[]>>;
  /** Fires the signed PagerDuty incident.triggered: "API is degraded — DB CPU at 100%". */
  page(): Promise<void>;
  /** The local git repository post-mortems are published to. */
  repoDir: string;
  /** Branches of that repository with their files and last commit, for the page to show. */
  repository(): Promise<RepositoryBranch[]>;
  /** A vendor stand-in page (PagerDuty incident, pull request, Datadog events) as HTML, or undefined. */
  vendorPage(path: string): string | undefined;
}
