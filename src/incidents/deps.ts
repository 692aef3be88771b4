import type { Store } from "../adapters/store/store.js";
import type { ConfigFile } from "../config-file.js";
import type { Logger } from "../log.js";
import type { ChatPort, PagingPort } from "./ports.js";

/** Everything the incident flows use, passed in (tests pass emulator-backed adapters). */
export interface IncidentDeps {
  store: Store;
  chat: ChatPort;
  paging?: PagingPort;
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
  /** Tells the job runner there is work now. */
  nudge: () => void;
}
