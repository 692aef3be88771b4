import { expect, it } from "vitest";
import type { Incident } from "../../src/domain/incident.js";
import { requestPublish, type PostmortemDeps } from "../../src/postmortem/postmortem-flows.js";

it("says how to turn GitHub publishing on, keeps the draft, and queues nothing", async () => {
  const queued: unknown[] = [];
  const deps = { github: undefined, store: { jobs: { enqueue: async (job: unknown) => void queued.push(job) } }, now: () => new Date(), nudge: () => undefined } as unknown as PostmortemDeps;
  const outcome = await requestPublish(deps, { id: 7 } as Incident, "U1");
  expect(outcome).toEqual({
    ok: false,
    reason: "Publishing to GitHub is off: set GITHUB_TOKEN and POSTMORTEM_REPO (owner/name) and restart Firebreak. The draft is kept; `firebreak postmortem INC-7` prints it as markdown.",
  });
  expect(queued).toEqual([]);
});
