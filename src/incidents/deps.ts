import type { Store } from "../ports/store.js";
import type { ConfigFile, StatusPageConfig } from "../kernel/config-file.js";
import type { Logger } from "../kernel/log.js";
import type { ChatPort } from "../ports/chat.js";
import type { EscalationPort, PagingPort } from "../ports/paging.js";
import type { JobHandOff } from "../jobs/job-runner.js";

/** Everything the incident flows use, passed in (tests pass emulator-backed adapters). */
export interface IncidentDeps {
  store: Store;
  chat: ChatPort;
  paging?: PagingPort;
  /** `/incident escalate`: set when PagerDuty is configured. */
  escalation?: EscalationPort;
  log: Logger;
  now: () => Date;
  timezone: string;
  services: ConfigFile["services"];
  lifecycle: ConfigFile["lifecycle"];
  /** firebreak.yaml `permissions` (default: the schema's defaults). */
  permissions?: ConfigFile["permissions"];
  /** firebreak.yaml `approver_groups`, for permissions given to a group. */
  approverGroups?: ConfigFile["approver_groups"];
  incidentsChannel?: string;
  /** firebreak.yaml `call_url`: the incident call's link, bookmarked in each channel. */
  callUrl?: string;
  /** Post change markers to Datadog (it is configured). */
  markers: boolean;
  /** firebreak.yaml `status_page`; public updates are offered when it is set. */
  statusPage?: StatusPageConfig;
  /** Whether approved public updates are mirrored to Atlassian Statuspage (STATUSPAGE_* are set). */
  statuspageEnabled?: () => boolean;
  /** Tells the job runner there is work now. */
  nudge: () => void;
  /** This process's job runner, to start a job enqueued claimed by it (absent where no runner runs). */
  handOff?: JobHandOff;
}
