// The incident's timeline as a Slack message: the key intervals, then every entry in event order,
// under a heading for each local day.
//
// Escaping. Entry texts mix two sources: Firebreak's own markup (mentions such as
// "Status set to monitoring by <@U1>", "Announced in <#C1>") and words that came from outside —
// a person's note, a pinned message, a status-update summary, but also a PagerDuty or Datadog
// title inside a "page" entry, an incident title inside "declared" or "rename", a denial reason,
// a quoted entry inside an "edit". So kind is no guide to what is safe. Every text is escaped,
// then only user mentions, channel mentions and http(s) links are let back through: they are
// what Firebreak writes and what a person's message legitimately carries, and none of them
// notifies more than the one person named. Broadcasts (<!channel>, <!here>, <!subteam^…>) and
// anything else stay literal text. Texts are stored plain, not Slack-encoded ("&", not "&amp;"):
// message text from Slack goes through slackTextToPlain (lifecycle-modals.ts) before it is stored.
// https://docs.slack.dev/messaging/formatting-message-text#escaping
import type { KnownBlock } from "@slack/types";
import { formatDuration, type IncidentDurations } from "../../domain/durations.js";
import { humanId, type Incident } from "../../domain/incident.js";
import { compareEntries, type TimelineEntry } from "../../domain/timeline.js";
import { formatClock, formatDateTime, formatDay, localDate } from "../../domain/time-format.js";
import type { Rendered } from "./incident-header.js";
import { escapeMrkdwn } from "./mrkdwn.js";
import { clipMrkdwn } from "./text-limits.js";

/** Slack caps a section at 3000 characters; the margin leaves room for the joining newlines. */
const MAX_SECTION_CHARS = 2900;
const MAX_BLOCKS = 50;
/**
 * Slack also refuses a message whose blocks are too long in total (msg_blocks_too_long), at an
 * undocumented size observed near 13,000 characters: https://github.com/slackapi/bolt-js/issues/2509
 */
const MAX_TOTAL_CHARS = 12_000;
/** One entry never fills a section on its own; the post-mortem carries the full text. */
const MAX_ENTRY_CHARS = 1200;

// Matched in escaped text, so a token's own "&" stays "&amp;", which Slack reads back as "&".
const notBracket = "(?!&lt;|&gt;)";
const allowedToken = new RegExp(`&lt;((?:@[UW][A-Z0-9]+|#C[A-Z0-9]+|https?://(?:${notBracket}[^\\s|])+)(?:\\|(?:${notBracket}[^\\n])*)?)&gt;`, "g");

/** Entry text as safe mrkdwn: everything escaped, then mentions and links restored. */
export function entryMrkdwn(text: string): string {
  return escapeMrkdwn(text).replace(allowedToken, "<$1>");
}

/** "`9:05am PT` Status set to monitoring by <@U1>" — with "— <@U2>" when the text does not name its author. */
export function timelineEntryLine(entry: TimelineEntry, timeZone: string): string {
  const text = clip(entryMrkdwn(entry.text), MAX_ENTRY_CHARS);
  // PagerDuty agents are PagerDuty user ids (P…), not Slack users; only Slack ids make a mention.
  const named = entry.actor && (entry.text.includes(`<@${entry.actor}>`) || entry.text.includes(`<@${entry.actor}|`));
  const byline = entry.actor && /^[UW][A-Z0-9]+$/.test(entry.actor) && !named ? ` — <@${entry.actor}>` : "";
  return `\`${formatClock(entry.eventAt, timeZone)}\` ${text}${byline}`;
}

/** "detected 9:05am PT · acknowledged +4m · mitigated +55m · resolved +1h 10m", only what is known. */
export function durationsLine(durations: IncidentDurations, timeZone: string, options: { withDate?: boolean } = {}): string {
  const detected = (options.withDate ? formatDateTime : formatClock)(durations.detectedAt, timeZone);
  const after = (label: string, ms: number | null) => (ms === null ? [] : [`${label} ${ms < 0 ? "" : "+"}${formatDuration(ms)}`]);
  return [
    `detected ${detected}`,
    ...after("acknowledged", durations.timeToAcknowledgeMs),
    ...after("mitigated", durations.timeToMitigateMs),
    ...after("resolved", durations.timeToResolveMs),
  ].join(" · ");
}

interface Chunk {
  text: string;
  entries: number;
}

/**
 * The timeline message. Removed entries are left out. `limit` caps how many entries are shown
 * (earliest first); Slack's block and size limits may cap it further. Whatever is left out is
 * counted in a closing line that points to the post-mortem, which has all of them.
 */
export function timelineMessage(
  incident: Pick<Incident, "id">,
  entries: TimelineEntry[],
  durations: IncidentDurations,
  timeZone: string,
  options: { limit?: number } = {},
): Rendered {
  const id = humanId(incident);
  const visible = entries.filter((e) => e.removedAt === null).sort(compareEntries);
  const shown = visible.slice(0, Math.max(0, options.limit ?? visible.length));
  const head: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: `${id} timeline` } },
    { type: "context", elements: [{ type: "mrkdwn", text: durationsLine(durations, timeZone) }] },
  ];
  const chunks = pack(shown, timeZone);
  const budget = { blocks: MAX_BLOCKS - head.length, chars: MAX_TOTAL_CHARS - lengthOf(head) };
  let kept = fit(chunks, budget);
  // Without everything shown, one block and a line's worth of characters go to the closing note.
  if (kept.length < chunks.length || shown.length < visible.length) kept = fit(chunks, { blocks: budget.blocks - 1, chars: budget.chars - 100 });
  const blocks: KnownBlock[] = [...head, ...kept.map((c): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text: c.text } }))];
  const missing = visible.length - kept.reduce((n, c) => n + c.entries, 0);
  if (visible.length === 0) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: "_Nothing on the timeline yet._" }] });
  if (missing > 0) {
    const noun = missing === 1 ? "entry" : "entries";
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `…and ${missing} more ${noun} (see the post-mortem)` }] });
  }
  return { text: `${id} timeline: ${visible.length} ${visible.length === 1 ? "entry" : "entries"}`, blocks };
}

/** Lines packed into section-sized chunks; a day's heading always travels with its first entry. */
function pack(entries: TimelineEntry[], timeZone: string): Chunk[] {
  const chunks: Chunk[] = [];
  let day: string | undefined;
  for (const entry of entries) {
    const entryDay = localDate(entry.eventAt, timeZone);
    const heading = entryDay !== day ? `*${formatDay(entry.eventAt, timeZone)}*\n` : "";
    day = entryDay;
    const line = timelineEntryLine(entry, timeZone);
    const last = chunks.at(-1);
    const joined = last && `${last.text}\n${heading && "\n"}${heading}${line}`;
    if (last && joined && joined.length <= MAX_SECTION_CHARS) {
      last.text = joined;
      last.entries += 1;
    } else {
      chunks.push({ text: `${heading}${line}`, entries: 1 });
    }
  }
  return chunks;
}

/** The leading chunks that fit both budgets. */
function fit(chunks: Chunk[], budget: { blocks: number; chars: number }): Chunk[] {
  const kept: Chunk[] = [];
  let chars = 0;
  for (const chunk of chunks) {
    if (kept.length >= budget.blocks || chars + chunk.text.length > budget.chars) break;
    kept.push(chunk);
    chars += chunk.text.length;
  }
  return kept;
}

function lengthOf(blocks: KnownBlock[]): number {
  return JSON.stringify(blocks).length;
}

/** Cut escaped mrkdwn without leaving half an entity (&am…), a mention or link (<@U…), or an emoji. */
const clip = clipMrkdwn;
