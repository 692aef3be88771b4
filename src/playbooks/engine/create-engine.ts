// Builds the playbook engine: its dependencies, its job handlers, and the step worker.
import type { JobHandler } from "../../jobs/job-runner.js";
import type { EngineDeps } from "./engine-deps.js";
import { EXPIRE_APPROVAL_JOB, PREPARE_STEP_JOB, RENDER_STEP_JOB } from "./engine-deps.js";
import { expireApprovalJob } from "./expire-approval.js";
import { prepareStepJob } from "./prepare-step.js";
import { renderStepJob } from "./render-step.js";
import { STEP_DETAILS_JOB, stepDetailsJob } from "./step-details.js";
import { STEP_OUTPUT_JOB, stepOutputJob } from "./step-output.js";
import { createStepWorker, type StepWorker, type StepWorkerOptions } from "./step-worker.js";

export interface PlaybookEngine {
  deps: EngineDeps;
  jobHandlers: Record<string, JobHandler>;
  worker: StepWorker;
}

export function createPlaybookEngine(base: Omit<EngineDeps, "nudgeSteps">, options: StepWorkerOptions = {}): PlaybookEngine {
  let worker: StepWorker | undefined;
  const deps: EngineDeps = { ...base, nudgeSteps: () => worker?.nudge() };
  worker = createStepWorker(deps, options);
  return {
    deps,
    worker,
    jobHandlers: {
      [PREPARE_STEP_JOB]: prepareStepJob(deps),
      [RENDER_STEP_JOB]: renderStepJob(deps),
      [EXPIRE_APPROVAL_JOB]: expireApprovalJob(deps),
      [STEP_DETAILS_JOB]: stepDetailsJob(deps),
      [STEP_OUTPUT_JOB]: stepOutputJob(deps),
    },
  };
}
