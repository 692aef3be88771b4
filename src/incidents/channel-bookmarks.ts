// Bookmarks in the incident channel's header: the PagerDuty incident, the Datadog monitor, the
// call, and the post-mortem once published. A durable job, like every Slack write: each bookmark
// is noted in the job's ledger before bookmarks.add, and a later try (after a lost answer, a
// 5xx or a crash) reads bookmarks.list for the link before adding it again, since Slack takes
// no idempotency key (jobs/write-ledger.ts). Each bookmark done, or refused by Slack, is one
// timeline entry with a source key, so it is never tried twice. A refusal never blocks the
// incident: it is recorded with what to do, and the job goes on to the next bookmark.
import { z } from "zod";
import { wantedBookmarks, type WantedBookmark } from "../domain/bookmarks.js";
import { humanId, type Incident } from "../domain/incident.js";
import type { JobContext } from "../jobs/job-runner.js";
import { writeOnce } from "../jobs/write-ledger.js";
import { validateWith } from "../kernel/parse-json.js";
import type { IncidentDeps } from "./deps.js";
import { VendorError } from "../ports/vendor-error.js";

export const CHANNEL_BOOKMARKS_JOB = "slack.bookmarks";

const payloadSchema = z.object({ incidentId: z.number().int() });

/** Slack answers that say "not now" rather than "no": the job tries again later. */
const TRANSIENT = new Set(["ratelimited", "request_failed", "internal_error", "fatal_error", "service_unavailable", "request_timeout"]);

const sourceKey = (part: string) => `slack:bookmark:${part}`;

/** Queues the bookmarks job for `reason` ("channel", "postmortem"); once per incident and reason. */
export async function enqueueBookmarks(jobs: IncidentDeps["store"]["jobs"], incidentId: number, reason: string, now: Date): Promise<void> {
  await jobs.enqueue({ kind: CHANNEL_BOOKMARKS_JOB, payload: { incidentId }, dedupeKey: `bookmarks:${reason}:${incidentId}` }, now);
}

export function channelBookmarksJob(deps: Pick<IncidentDeps, "store" | "chat" | "now" | "callUrl">) {
  return async (payload: unknown, context: JobContext): Promise<void> => {
    const { incidentId } = validateWith(payloadSchema, payload, "a bookmarks job's payload");
    const incident = await deps.store.incidents.get(incidentId);
    if (!incident?.channelId || incident.archivedAt) return;
    const postmortem = await deps.store.postmortems.get(incident.id);
    const wanted = wantedBookmarks(incident, { callUrlTemplate: deps.callUrl, postmortemUrl: postmortem.prUrl });
    for (const bookmark of wanted) {
      if (await deps.store.timeline.findBySourceKey(incident.id, sourceKey(bookmark.part))) continue;
      await addOne(deps, context, incident as Incident & { channelId: string }, bookmark);
    }
  };
}

async function addOne(deps: Pick<IncidentDeps, "store" | "chat" | "now">, context: JobContext, incident: Incident & { channelId: string }, bookmark: WantedBookmark): Promise<void> {
  const channel = incident.channelId;
  try {
    await writeOnce(
      context.writes,
      `bookmarks.add:${channel}:${bookmark.part}`,
      async () => ((await deps.chat.bookmarkLinks(channel)).includes(bookmark.link) ? true : undefined),
      async () => (await deps.chat.addBookmark(channel, { title: bookmark.title, link: bookmark.link, emoji: bookmark.emoji }), true),
    );
  } catch (error) {
    if (!(error instanceof VendorError) || error.vendor !== "slack" || TRANSIENT.has(error.code) || error.code.startsWith("http_")) throw error;
    context.log.warn({ incidentId: incident.id, code: error.code, part: bookmark.part }, "Slack refused a bookmark");
    await deps.store.timeline.append({
      incidentId: incident.id,
      eventAt: deps.now(),
      kind: "bookmark-refused",
      text: `Slack refused to bookmark the ${bookmark.title} (${error.code}): ${advice(error.code)} The link: ${bookmark.link}`,
      data: { part: bookmark.part, link: bookmark.link, error: error.code },
      sourceKey: sourceKey(bookmark.part),
    });
    return;
  }
  await deps.store.timeline.append({
    incidentId: incident.id,
    eventAt: deps.now(),
    kind: "bookmark",
    text: `Bookmarked the ${bookmark.title} in the channel: ${bookmark.link}`,
    data: { part: bookmark.part, link: bookmark.link },
    sourceKey: sourceKey(bookmark.part),
  });
  context.log.info({ incidentId: incident.id, part: bookmark.part }, `${humanId(incident)} bookmark added`);
}

function advice(code: string): string {
  switch (code) {
    case "missing_scope":
      return "the app lacks bookmarks:write; reinstall it from `firebreak manifest`.";
    case "not_in_channel":
    case "channel_not_found":
      return "Firebreak is not in the channel; invite it and add the bookmark by hand.";
    case "invalid_link":
      return "the link is not http(s); check call_url in firebreak.yaml.";
    default:
      return "add the bookmark by hand if you need it.";
  }
}
