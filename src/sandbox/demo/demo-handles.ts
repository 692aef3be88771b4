// What the sandbox's web page works with: the emulated Slack workspace it shows, the bot it talks
// to (through requests signed exactly as Slack and PagerDuty sign them), and the local git
// repository post-mortems are published to.
import type { SlackEmulator } from "../emulators/slack/slack-emulator.js";

export interface DemoUser {
  id: string;
  name: string;
  /** What this person does in the demo, e.g. "on call", "incident commander", "DBA". */
  role: string;
}

export interface DemoHandles {
  slack: SlackEmulator;
  /** Firebreak's base URL; Slack requests go to `${botUrl}/slack/events`. */
  botUrl: string;
  signingSecret: string;
  users: DemoUser[];
  /** Fires the signed PagerDuty incident.triggered: "API is degraded — DB CPU at 100%". */
  page(): Promise<void>;
  /** The local git repository post-mortems are published to. */
  repoDir: string;
  /** Branches of that repository with their files and last commit, for the page to show. */
  repository(): Promise<{ branch: string; lastCommit: string; files: { path: string; content: string }[] }[]>;
}
