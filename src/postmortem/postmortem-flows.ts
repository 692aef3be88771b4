// The post-mortem in Slack: gather the record, draft it, keep people's edits, and publish it as a
// pull request (with an issue per remediation) from a durable job.
import { humanId, type Incident } from "../domain/incident.js";
import type { PlaybookRun } from "../domain/playbook-run.js";
import type { Store } from "../ports/store.js";
import type { IncidentDeps } from "../incidents/deps.js";
import type { ConfigFile } from "../kernel/config-file.js";
import { postOnce } from "../incidents/post-once.js";
import type { WriteLedger } from "../jobs/write-ledger.js";
import type { Outcome } from "../incidents/lifecycle/outcome.js";
import type { PostmortemEdits, PostmortemRecord } from "../domain/postmortem.js";
import type { PostmortemNorms } from "../domain/postmortem-norms.js";
import { draftPostmortem } from "../views/postmortem/draft.js";
import type { CompiledTemplate } from "../views/postmortem/template-engine.js";
import { postmortemPreview } from "../views/slack/postmortem-views.js";
import { publishGaps } from "../views/slack/publish-confirmation.js";
import { enqueuePreviewRefresh } from "./preview-refresh-queue.js";
import type { DatadogPort } from "../ports/metrics-events.js";
import type { ChatFilesPort } from "../ports/chat-files.js";
import { measureIncident } from "./measure-incident.js";
import { enqueueChartUpload } from "./chart-upload-job.js";

export const PUBLISH_POSTMORTEM_JOB = "postmortem.publish";

export interface PostmortemDeps extends IncidentDeps {
  postmortemTemplate: CompiledTemplate;
  /** firebreak.yaml `postmortem_norms`, for the suggested "went well / poorly" items. */
  postmortemNorms?: PostmortemNorms;
  /** Set when Datadog is configured: impact queries and the chart are measured through it. */
  datadog?: Pick<DatadogPort, "queryMetric">;
  /** Set when the chart's PNG may be uploaded to Slack with the preview (files:write). */
  chatFiles?: ChatFilesPort;
  /** Set when GitHub publishing is configured. */
  github?: { owner: string; repo: string; baseBranch: string };
  /** firebreak.yaml `people`: GitHub logins by Slack user id, to assign follow-up issues. */
  people?: ConfigFile["people"];
}

export interface RecordSources {
  store: Store;
  timeZone: string;
  /** Display names from Slack, fresher than the stored ones; the CLI export, which has no Slack, answers none. */
  userName: (userId: string) => Promise<string | undefined>;
  now: () => Date;
  services?: Record<string, { display_name?: string | undefined }>;
  norms?: PostmortemNorms;
}

export const recordSources = (deps: PostmortemDeps): RecordSources => ({ store: deps.store, timeZone: deps.timezone, userName: (id) => deps.chat.userName(id), now: deps.now, services: deps.services, ...(deps.postmortemNorms && { norms: deps.postmortemNorms }) });

/** Everything the post-mortem is written from, read from the store (and Slack, for names). */
export async function postmortemRecord(sources: RecordSources, incident: Incident): Promise<PostmortemRecord> {
  const deps = sources;
  const [timeline, runIds, followups, roles, state, measurements] = await Promise.all([
    deps.store.timeline.list(incident.id),
    deps.store.runs.forIncident(incident.id),
    deps.store.lifecycle.followups(incident.id),
    deps.store.lifecycle.roles(incident.id),
    deps.store.postmortems.get(incident.id),
    deps.store.measurements.get(incident.id),
  ]);
  const runs = (await Promise.all(runIds.map((id) => deps.store.runs.get(id)))).filter((r): r is NonNullable<typeof r> => Boolean(r)) as PlaybookRun[];
  const ids = new Set<string>();
  const collect = (text: string | null | undefined) => {
    for (const match of (text ?? "").matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)) ids.add(match[1]!);
  };
  for (const entry of timeline) {
    collect(entry.text);
    if (entry.actor && /^[UW][A-Z0-9]+$/.test(entry.actor)) ids.add(entry.actor);
  }
  for (const id of [incident.commander, incident.declaredBy, ...roles.map((r) => r.userId), ...followups.map((f) => f.ownerId), ...runs.flatMap((r) => r.steps.flatMap((s) => s.approvals.map((a) => a.userId)))]) {
    if (id) ids.add(id);
  }
  // Names stored when people were first seen; Slack's answer, when there is one, is newer and is kept.
  const stored = await deps.store.people.names([...ids]);
  const names: Record<string, string> = { ...stored };
  await Promise.all(
    [...ids].map(async (id) => {
      // A missing name is not worth failing a post-mortem over: the stored name, or the id, is shown instead.
      const name = await sources.userName(id).catch(() => undefined);
      if (!name) return;
      names[id] = name;
      if (stored[id] !== name) await deps.store.people.remember(id, name, sources.now()).catch(() => undefined);
    }),
  );
  return {
    incident,
    timeline,
    runs,
    followups,
    roles,
    edits: state.edits,
    names,
    // firebreak.yaml's display name, else the name the pager showed when it declared the incident.
    serviceNames: {
      ...Object.fromEntries(timeline.flatMap((e) => (e.kind === "page" && typeof e.data.service === "string" && typeof e.data.serviceName === "string" ? [[e.data.service, e.data.serviceName]] : []))),
      ...Object.fromEntries(Object.entries(sources.services ?? {}).flatMap(([service, s]) => (s.display_name ? [[service, s.display_name]] : []))),
    },
    timeZone: sources.timeZone,
    ...(sources.norms && { norms: sources.norms }),
    ...(incident.channelId && { channelUrl: `https://slack.com/app_redirect?channel=${incident.channelId}` }),
    ...(state.prUrl && { pullRequestUrl: state.prUrl }),
    ...(measurements && { measurements }),
  };
}

export async function draftFor(deps: PostmortemDeps, incident: Incident) {
  const record = await postmortemRecord(recordSources(deps), incident);
  return { record, draft: draftPostmortem(record, deps.postmortemTemplate) };
}

/** `/incident rootcause <text>`: the root cause, as written by a person, and on the timeline. */
export async function setRootCause(deps: PostmortemDeps, incident: Incident, text: string, userId: string): Promise<Outcome> {
  if (!text.trim()) return { ok: false, reason: "Write the root cause after the command: `/incident rootcause A migration left the index INVALID`." };
  await deps.store.transaction(async (tx) => {
    await tx.postmortems.saveEdits(incident.id, { rootCause: text.trim() });
    const { entry } = await tx.timeline.append({ incidentId: incident.id, eventAt: deps.now(), kind: "rootcause", actor: userId, text: `Root cause recorded by <@${userId}>: ${text.trim()}` });
    await enqueuePreviewRefresh(tx, incident.id, `entry:${entry.id}`, deps.now());
  });
  return { ok: true, reply: `Root cause recorded for ${humanId(incident)}'s post-mortem.` };
}

/**
 * Saves what a person wrote in the Edit modal. Sections left exactly as drafted are not stored,
 * so they keep following the record; `generated` is the draft the modal showed.
 */
export async function saveEdits(deps: PostmortemDeps, incident: Incident, submitted: Required<PostmortemEdits>, generated: Required<PostmortemEdits>): Promise<void> {
  const current = (await deps.store.postmortems.get(incident.id)).edits;
  const edits: PostmortemEdits = {};
  for (const key of Object.keys(submitted) as (keyof PostmortemEdits)[]) {
    const value = submitted[key].trim();
    if (value && (value !== generated[key].trim() || current[key] !== undefined)) edits[key] = value;
  }
  await deps.store.postmortems.saveEdits(incident.id, edits, { replace: true });
}

/** Regenerate: redraw from the record; `discardEdits` also forgets what people wrote. */
export async function regenerate(deps: PostmortemDeps, incident: Incident, discardEdits: boolean): Promise<void> {
  if (discardEdits) await deps.store.postmortems.saveEdits(incident.id, {}, { replace: true });
  await measureIncident(deps, incident, { force: true });
}

/** What a reader would find unfinished (placeholder Root Cause, empty Impact): Publish asks first. */
export async function publishGapsFor(deps: PostmortemDeps, incident: Incident): Promise<string[]> {
  const { draft } = await draftFor(deps, incident);
  return publishGaps(draft.model);
}

/** Queues publishing, after checking what can be checked without GitHub. */
export async function requestPublish(deps: PostmortemDeps, incident: Incident, userId: string): Promise<Outcome> {
  if (!deps.github) {
    return {
      ok: false,
      reason: `Publishing to GitHub is off: set GITHUB_TOKEN and POSTMORTEM_REPO (owner/name) and restart Firebreak. The draft is kept; \`firebreak postmortem ${humanId(incident)}\` prints it as markdown.`,
    };
  }
  await deps.store.jobs.enqueue({ kind: PUBLISH_POSTMORTEM_JOB, payload: { incidentId: incident.id, userId } }, deps.now());
  deps.nudge();
  return { ok: true, reply: `Publishing ${humanId(incident)}'s post-mortem to ${deps.github.owner}/${deps.github.repo}…` };
}

/** Posts the preview in the incident channel, or updates the one already there. */
export async function showPreview(deps: PostmortemDeps, incident: Incident): Promise<Outcome> {
  if (!incident.channelId) return { ok: false, reason: `${humanId(incident)} has no channel yet.` };
  await measureIncident(deps, incident);
  const { draft } = await draftFor(deps, incident);
  const state = await deps.store.postmortems.get(incident.id);
  const preview = postmortemPreview(incident, draft, state.prUrl);
  if (state.previewTs) await deps.chat.updateMessage(incident.channelId, state.previewTs, preview);
  else {
    // Posted from a listener, not a job, so the note that it was sent lives on the post-mortem's
    // row: a person who tries again after a lost answer gets the preview found, not a second one.
    const sentAt = state.previewSentAt ?? undefined;
    const writes: WriteLedger = { unconfirmed: () => sentAt, sending: () => deps.store.postmortems.notePreviewSent(incident.id, deps.now()), prepared: () => false };
    const ts = await postOnce(deps, writes, incident.channelId, { ...preview, tag: { incident: incident.id, part: "postmortem-preview" } });
    await deps.store.postmortems.setPreview(incident.id, ts);
    // A preview found from an earlier try shows the draft as it was then.
    if (sentAt) await deps.chat.updateMessage(incident.channelId, ts, preview);
  }
  // Slack shows no SVG, so the chart goes to the preview's thread as a PNG, from a durable job.
  if (draft.chart && deps.chatFiles) await enqueueChartUpload(deps, incident.id, draft.chart.svg);
  return { ok: true, reply: state.previewTs ? "Post-mortem draft updated (the message above)." : "Post-mortem draft posted below." };
}
