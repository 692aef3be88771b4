import type { Store } from "../../ports/store.js";
import type { ConfigFile } from "../../kernel/config-file.js";
import type { TargetNames } from "../../domain/targets.js";
import type { ChatPort } from "../../ports/chat.js";
import type { Logger } from "../../kernel/log.js";
import type { ActionRegistry } from "../action-registry.js";
import type { Playbook } from "../../domain/playbook-schema.js";

export interface EngineDeps {
  store: Store;
  registry: ActionRegistry;
  playbooks: readonly Playbook[];
  chat: ChatPort;
  log: Logger;
  now: () => Date;
  timezone: string;
  file: Pick<ConfigFile, "peak_hours" | "approver_groups" | "blast_radius" | "targets" | "services"> & Partial<Pick<ConfigFile, "permissions">>;
  /** The targets steps can act on, by kind, as the actions were given them (default: firebreak.yaml's). */
  targetNames?: TargetNames;
  /** Post a Datadog change marker for each executed step (Datadog is configured). */
  markers: boolean;
  /** Wakes the job runner (prepare, render, expiry jobs). */
  nudgeJobs: () => void;
  /** Wakes the step worker (a step became ready). */
  nudgeSteps: () => void;
}

export const PREPARE_STEP_JOB = "playbook.prepare-step";
export const RENDER_STEP_JOB = "playbook.render-step";
export const EXPIRE_APPROVAL_JOB = "playbook.expire-approval";
