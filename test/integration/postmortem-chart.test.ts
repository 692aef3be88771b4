// Measured impact and the chart, from Datadog to Slack and GitHub: the post-mortem flows and job
// handlers on a real store, with the real Datadog, Slack and GitHub adapters pointed at the
// emulators. What is asserted is what each vendor received and what the document says.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatadog } from "../../src/adapters/datadog.js";
import { createGithub } from "../../src/adapters/github.js";
import { createSlackChat, createSlackClients } from "../../src/adapters/slack-chat.js";
import { createSlackFiles } from "../../src/adapters/slack-files.js";
import type { SqlStore } from "../../src/adapters/store/store.js";
import type { Incident } from "../../src/domain/incident.js";
import { createWriteLedger } from "../../src/jobs/write-ledger.js";
import type { JobContext } from "../../src/jobs/job-runner.js";
import { configFileSchema } from "../../src/kernel/config-file.js";
import { createLogger } from "../../src/kernel/log.js";
import { CHART_UPLOAD_JOB, chartUploadJob } from "../../src/postmortem/chart-upload-job.js";
import { DEFAULT_POSTMORTEM_TEMPLATE, loadPostmortemTemplate } from "../../src/postmortem/load-template.js";
import { draftFor, regenerate, showPreview, type PostmortemDeps } from "../../src/postmortem/postmortem-flows.js";
import { publishPostmortemJob } from "../../src/postmortem/publish-job.js";
import type { Job } from "../../src/ports/store.js";
import { startDatadogEmulator, type DatadogEmulator } from "../../src/sandbox/emulators/datadog/datadog-emulator.js";
import { startGithubEmulator, type GithubEmulator } from "../../src/sandbox/emulators/github/github-emulator.js";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";
import { openTestStore } from "../helpers/databases.js";

const QUERY = "sum:trace.http.request.errors{service:payments-api}.as_count()";
const at = (clock: string) => new Date(`2026-12-04T${clock}:00Z`);
let store: SqlStore;
let slack: SlackEmulator;
let datadog: DatadogEmulator;
let github: GithubEmulator;
let deps: PostmortemDeps;
let clock = at("15:30");

beforeAll(async () => {
  store = await openTestStore("pglite");
  slack = createSlackEmulator({ now: () => clock.getTime() });
  const { url } = await slack.start();
  datadog = await startDatadogEmulator({ now: () => clock });
  // 60 failed requests a minute from 14:02 to 14:47, 2 a minute otherwise: one point per minute,
  // as an .as_count() query rolls up.
  datadog.setMetrics((_query, from, to) => {
    const points: [number, number][] = [];
    for (let t = Math.ceil(from / 60) * 60; t < to; t += 60) points.push([t * 1000, t * 1000 >= at("14:02").getTime() && t * 1000 < at("14:47").getTime() ? 60 : 2]);
    return points;
  });
  github = await startGithubEmulator({ token: "ghp_test" });
  github.addRepo("acme", "postmortems", { defaultBranch: "main" });
  const clients = createSlackClients(slack.botToken, { apiUrl: url });
  const services = configFileSchema.parse({ services: { "payments-api": { display_name: "Payments API", impact: [{ query: QUERY, label: "failed requests" }] } } }).services;
  deps = {
    store,
    chat: createSlackChat(clients),
    chatFiles: createSlackFiles(clients),
    datadog: createDatadog({ apiKey: datadog.apiKey, appKey: datadog.appKey, apiUrl: datadog.url }),
    log: createLogger({ level: "silent" }),
    now: () => clock,
    timezone: "UTC",
    services,
    lifecycle: configFileSchema.parse({}).lifecycle,
    markers: false,
    nudge: () => undefined,
    postmortemTemplate: loadPostmortemTemplate(DEFAULT_POSTMORTEM_TEMPLATE),
    github: { owner: "acme", repo: "postmortems", baseBranch: "main" },
  };
});
afterAll(async () => {
  await slack.stop();
  await datadog.close();
  await github.close();
  await store.close();
});

/** A resolved payments outage: paged 14:02, a step that worked at 14:30, resolved 14:47. */
async function outage(title: string): Promise<Incident> {
  const channelId = slack.addChannel({ name: title.toLowerCase().replace(/\W+/g, "-") });
  const created = await store.incidents.create({ title, severity: "SEV2", source: "pagerduty", detectedAt: at("14:02"), services: ["payments-api"] });
  const incident = (await store.incidents.update(created.id, created.version, { channelId, channelName: title, status: "resolved", resolvedAt: at("14:47") }))!;
  const add = (clock: string, kind: string, text: string) => store.timeline.append({ incidentId: incident.id, eventAt: at(clock), kind, text });
  await add("14:02", "page", `Paged by PagerDuty (Payments API): ${title}`);
  await add("14:30", "step", "Step “Roll back payments-api” succeeded.");
  await add("14:47", "resolved", "Resolved");
  return incident;
}

function jobContext(payload: unknown): JobContext {
  const job = { id: 1, kind: CHART_UPLOAD_JOB, payload, attempts: 1 } as unknown as Job;
  return { job, log: createLogger({ level: "silent" }), now: clock, writes: createWriteLedger(job, async () => undefined, () => clock) };
}

/** The chart upload jobs waiting for this incident. */
const uploadJobs = async (incidentId: number) =>
  (await store.jobs.claim({ owner: "test", now: clock, leaseMs: 60_000, limit: 50, kinds: [CHART_UPLOAD_JOB] })).filter((j) => (j.payload as { incidentId?: number }).incidentId === incidentId);
const queries = () => datadog.calls.filter((c) => c.path === "/api/v1/query");
const completions = () => slack.calls().filter((c) => c.method === "files.completeUploadExternal" && c.response.body.ok === true);

describe("measured impact", () => {
  it("sums each impact query over the incident window and shows it with its query and window, stored for exports", async () => {
    const incident = await outage("Payments failing");
    expect((await showPreview(deps, incident)).ok).toBe(true);
    // The impact query over exactly the window: 14:02 to 14:47, in epoch seconds.
    expect(queries().some((c) => c.query.query?.[0] === QUERY && c.query.from?.[0] === String(at("14:02").getTime() / 1000) && c.query.to?.[0] === String(at("14:47").getTime() / 1000))).toBe(true);
    const { draft } = await draftFor({ ...deps, datadog: undefined }, incident);
    expect(draft.markdown).toContain(`- ≈2,700 failed requests (\`${QUERY}\`, 14:02–14:47 UTC)`);
    // The figure comes after the writer's own words, before the window's metadata.
    expect(draft.markdown.indexOf("≈2,700")).toBeLessThan(draft.markdown.indexOf("- **Window:**"));
    expect((await store.measurements.get(incident.id))?.impacts[0]?.total).toBe(2700);
  });
});

describe("the chart", () => {
  it("is uploaded to the preview's thread once, even when the job runs again or the completion's answer is lost", async () => {
    const incident = await outage("Checkout errors");
    await showPreview(deps, incident);
    expect(await uploadJobs(incident.id)).toHaveLength(1);
    const run = chartUploadJob(deps, deps.chatFiles!);
    const before = completions().length;
    await run({ incidentId: incident.id }, jobContext({ incidentId: incident.id }));
    await run({ incidentId: incident.id }, jobContext({ incidentId: incident.id }));
    expect(completions().length - before).toBe(1);
    const previewTs = (await store.postmortems.get(incident.id)).previewTs!;
    const shared = slack.thread(incident.channelId!, previewTs).filter((m) => m.files);
    expect(shared).toHaveLength(1);
    const file = slack.files().find((f) => f.id === (shared[0]!.files![0] as { id: string }).id)!;
    expect([...file.bytes!.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(file.completed).toMatchObject({ channel: incident.channelId, threadTs: previewTs });

    // New figures (Regenerate) make a new chart; Slack completes it but the answer is lost.
    datadog.setMetrics((_q, from, to) => [[from * 1000, 5], [to * 1000, 9]]);
    await regenerate(deps, incident, false);
    // Regenerate shows the preview again, which queues the new chart's upload (and only once).
    await showPreview(deps, incident);
    await showPreview(deps, incident);
    expect(await uploadJobs(incident.id)).toHaveLength(1);
    slack.failNext("files.completeUploadExternal", { status: 500, afterApplying: true });
    await expect(run({ incidentId: incident.id }, jobContext({ incidentId: incident.id }))).rejects.toThrow();
    await run({ incidentId: incident.id }, jobContext({ incidentId: incident.id }));
    expect(slack.calls().filter((c) => c.method === "files.completeUploadExternal").length - before).toBe(2);
    expect(slack.thread(incident.channelId!, previewTs).filter((m) => m.files)).toHaveLength(2);
  });

  it("is committed beside the markdown in the pull request, which links it", async () => {
    const incident = await outage("Refunds stuck");
    await showPreview(deps, incident);
    await publishPostmortemJob(deps, createGithub({ token: "ghp_test", apiUrl: github.url, owner: "acme", repo: "postmortems", baseBranch: "main" }))({ incidentId: incident.id, userId: "U1" }, jobContext({}));
    const { draft } = await draftFor(deps, incident);
    const branch = `postmortem/inc-${incident.id}`;
    const svg = github.file("acme/postmortems", branch, draft.chart!.filename);
    expect(svg).toBe(draft.chart!.svg);
    expect(svg).toContain('role="img"');
    const markdown = github.file("acme/postmortems", branch, draft.filename)!;
    const image = draft.chart!.filename.replace(/^postmortems\//, "./");
    expect(markdown).toContain(`](${image})`);
    expect(markdown).toContain("![Failed requests during the incident]".replace("Failed", "failed"));
  });
});

describe("without Datadog", () => {
  it("drafts with a note instead of figures and no chart, and uploads nothing", async () => {
    const incident = await outage("Webhooks delayed");
    const off = { ...deps, datadog: undefined };
    const queriesBefore = queries().length;
    expect((await showPreview(off, incident)).ok).toBe(true);
    const { draft } = await draftFor(off, incident);
    expect(draft.markdown).toContain("_Datadog is not configured");
    expect(draft.markdown).not.toContain("![");
    expect(draft.chart).toBeUndefined();
    expect(queries().length).toBe(queriesBefore);
    expect(await uploadJobs(incident.id)).toEqual([]);
  });

  it("keeps drafting when Datadog refuses the query, saying which figure is missing", async () => {
    const incident = await outage("Payouts slow");
    datadog.failNext("/api/v1/query", 403, 2);
    expect((await showPreview(deps, incident)).ok).toBe(true);
    const { draft } = await draftFor(deps, incident);
    expect(draft.markdown).toContain(`- failed requests: not measured (\`${QUERY}\`, 14:02–14:47 UTC): Datadog answered the metric query with 403`);
    expect(draft.markdown).toContain("No chart:");
  });
});
