import type { KnownBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import { incidentDurations } from "../../src/domain/durations.js";
import type { TimelineEntry } from "../../src/domain/timeline.js";
import { HEADER_ACTIONS, headerActions, headerDurations, parseHeaderActionValue } from "../../src/views/slack/header-actions.js";
import { entryMrkdwn, timelineEntryLine, timelineMessage } from "../../src/views/slack/timeline-view.js";

const LA = "America/Los_Angeles";
let nextId = 1;
const entry = (at: string, kind: string, text: string, extra: Partial<TimelineEntry> = {}): TimelineEntry => ({
  id: nextId++, incidentId: 42, eventAt: new Date(at), recordedAt: new Date(at), kind, actor: null, text, data: {},
  sourceKey: null, removedAt: null, removedBy: null, editedAt: null, editedBy: null, ...extra,
});

// Paged late on Saturday night; still running when Los Angeles springs forward at 2:00am Sunday.
const incident = { id: 42, detectedAt: new Date("2026-03-08T07:50:00Z"), status: "resolved" as const, resolvedAt: new Date("2026-03-08T10:40:00Z") };
const entries: TimelineEntry[] = [
  entry("2026-03-08T07:50:00Z", "page", "Paged by PagerDuty (Checkout API): Checkout 5xx > 5% <!here>"),
  entry("2026-03-08T07:50:30Z", "declared", "INC-42 declared (SEV2): Checkout 5xx > 5%"),
  entry("2026-03-08T07:51:00Z", "channel", "Channel #inc-20260307-checkout created", { data: { channelId: "C0INC" } }),
  entry("2026-03-08T07:51:10Z", "responders", "Responders invited: <@U0ALICE>, <@U0BOB>; on call but not in Slack: carol@example.com"),
  entry("2026-03-08T07:54:00Z", "acknowledged", "Acknowledged in PagerDuty by Alice Ng", { actor: "PABC123", data: { pagerduty: true } }),
  entry("2026-03-08T08:02:00Z", "note", "<!channel> & <script>alert(1)</script> DB CPU at 100%", { actor: "U0ALICE" }),
  entry("2026-03-08T08:10:00Z", "status", "Status set to identified by <@U0ALICE>", { actor: "U0ALICE", data: { status: "identified", from: "investigating" } }),
  entry("2026-03-08T08:30:00Z", "pin", "Failover started, see <https://grafana.example.com/d/abc?from=now-1h&to=now|the dashboard>", { actor: "U0BOB" }),
  entry("2026-03-08T09:20:00Z", "custom", "This was added by mistake", { actor: "U0BOB", removedAt: new Date("2026-03-08T09:25:00Z"), removedBy: "U0ALICE" }),
  entry("2026-03-08T09:40:00Z", "approval", "<@U0BOB> approved “Promote replica” (1/1)", { actor: "U0BOB" }),
  entry("2026-03-08T09:59:00Z", "update", "Status update by <@U0ALICE> (status monitoring): Error rate under 1%; watching for 30 minutes", { actor: "U0ALICE", data: { status: "monitoring", from: "identified" } }),
  entry("2026-03-08T09:59:00Z", "status", "Status set to monitoring by <@U0ALICE>", { actor: "U0ALICE", data: { status: "monitoring", from: "identified" } }),
  entry("2026-03-08T10:00:00Z", "note", "Clocks moved on: graphs show a one-hour gap", { actor: "U0BOB" }),
  entry("2026-03-08T10:40:00Z", "resolved", "Resolved by <@U0ALICE>: Replica promoted; old primary rebuilt", { actor: "U0ALICE", data: { status: "resolved", from: "monitoring" } }),
  entry("2026-03-08T10:41:00Z", "followup", "Follow-up added by <@U0ALICE>: Alert on replication lag", { actor: "U0ALICE" }),
];
// Stored out of order, as edits with an earlier time would leave them.
const stored = [...entries.slice(7), ...entries.slice(0, 7)];
const durations = incidentDurations(incident, stored);

const sectionTexts = (blocks: KnownBlock[]) => blocks.flatMap((b) => (b.type === "section" && b.text ? [b.text.text] : []));
const contextTexts = (blocks: KnownBlock[]) => blocks.flatMap((b) => (b.type === "context" ? b.elements.map((e) => ("text" in e ? e.text : "")) : []));

describe("timelineMessage", () => {
  it("renders a timeline across midnight and the DST change (golden)", () => {
    const message = timelineMessage(incident, stored, durations, LA);
    expect(message.text).toBe("INC-42 timeline: 14 entries");
    expect(message.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "INC-42 timeline" } });
    expect(contextTexts(message.blocks)).toEqual(["detected 11:50pm PT · acknowledged +4m · mitigated +2h 9m · resolved +2h 50m"]);
    expect(sectionTexts(message.blocks).join("\n")).toMatchInlineSnapshot(`
      "*Saturday, March 7*
      \`11:50pm PT\` Paged by PagerDuty (Checkout API): Checkout 5xx &gt; 5% &lt;!here&gt;
      \`11:50pm PT\` INC-42 declared (SEV2): Checkout 5xx &gt; 5%
      \`11:51pm PT\` Channel #inc-20260307-checkout created
      \`11:51pm PT\` Responders invited: <@U0ALICE>, <@U0BOB>; on call but not in Slack: carol@example.com
      \`11:54pm PT\` Acknowledged in PagerDuty by Alice Ng

      *Sunday, March 8*
      \`12:02am PT\` &lt;!channel&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt; DB CPU at 100% — <@U0ALICE>
      \`12:10am PT\` Status set to identified by <@U0ALICE>
      \`12:30am PT\` Failover started, see <https://grafana.example.com/d/abc?from=now-1h&amp;to=now|the dashboard> — <@U0BOB>
      \`1:40am PT\` <@U0BOB> approved “Promote replica” (1/1)
      \`1:59am PT\` Status update by <@U0ALICE> (status monitoring): Error rate under 1%; watching for 30 minutes
      \`1:59am PT\` Status set to monitoring by <@U0ALICE>
      \`3:00am PT\` Clocks moved on: graphs show a one-hour gap — <@U0BOB>
      \`3:40am PT\` Resolved by <@U0ALICE>: Replica promoted; old primary rebuilt
      \`3:41am PT\` Follow-up added by <@U0ALICE>: Alert on replication lag"
    `);
    expect(message).toMatchSnapshot();
  });

  it("leaves removed entries out and escapes what people wrote", () => {
    const text = sectionTexts(timelineMessage(incident, stored, durations, LA).blocks).join("\n");
    expect(text).not.toContain("added by mistake");
    expect(text).toContain("&lt;!channel&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(text).toContain("&lt;!here&gt;");
    expect(text).not.toMatch(/<!|<script/);
    // Firebreak's mentions and a person's link survive.
    expect(text).toContain("Responders invited: <@U0ALICE>, <@U0BOB>");
    expect(text).toContain("<https://grafana.example.com/d/abc?from=now-1h&amp;to=now|the dashboard>");
  });

  it("says so when there is nothing yet", () => {
    const empty = timelineMessage({ id: 7 }, [], incidentDurations({ ...incident, status: "investigating" }, []), LA);
    expect(contextTexts(empty.blocks)).toEqual(["detected 11:50pm PT", "_Nothing on the timeline yet._"]);
  });

  it("stays within Slack's limits with 300 entries, and counts what it left out", () => {
    const many = Array.from({ length: 300 }, (_, i) =>
      entry(new Date(incident.detectedAt.getTime() + i * 7 * 60_000).toISOString(), "note", `Observation ${i + 1}: ${"p99 latency still above the SLO & climbing ".repeat(1 + (i % 4))}`, { actor: "U0BOB" }),
    );
    const message = timelineMessage(incident, many, durations, LA);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    for (const text of sectionTexts(message.blocks)) expect(text.length).toBeLessThanOrEqual(3000);
    // Slack refuses blocks much past 13,000 characters in total (msg_blocks_too_long).
    expect(JSON.stringify(message.blocks).length).toBeLessThan(13_000);
    const shown = sectionTexts(message.blocks).join("\n").match(/^`/gm)?.length ?? 0;
    const last = contextTexts(message.blocks).at(-1);
    expect(shown).toBeGreaterThan(30);
    expect(last).toBe(`…and ${300 - shown} more entries (see the post-mortem)`);
    // The days the shown entries span each have a heading.
    expect(sectionTexts(message.blocks).join("\n")).toMatch(/^\*Saturday, March 7\*\n/);
  });

  it("clips one very long entry without breaking an entity or a mention", () => {
    const clipped = (text: string) => timelineEntryLine(entry("2026-03-08T08:00:00Z", "note", text), LA).replace("`12:00am PT` ", "");
    const atEntity = clipped(`${"x".repeat(1197)}& more`);
    expect(atEntity).toBe(`${"x".repeat(1197)}…`);
    const atMention = clipped(`${"x".repeat(1195)}<@U0ALICE> more`);
    expect(atMention).toBe(`${"x".repeat(1195)}…`);
    expect(clipped("a&b ".repeat(600)).length).toBeLessThanOrEqual(1200);
  });

  it("honours a limit", () => {
    const message = timelineMessage(incident, stored, durations, LA, { limit: 3 });
    expect(sectionTexts(message.blocks).join("\n").match(/^`/gm)).toHaveLength(3);
    expect(contextTexts(message.blocks).at(-1)).toBe("…and 11 more entries (see the post-mortem)");
  });
});

describe("timelineEntryLine", () => {
  it("names the actor only when the text does not, and only if it is a Slack user", () => {
    const [, , , , pagerduty, note, status] = entries;
    expect(timelineEntryLine(pagerduty!, LA)).toBe("`11:54pm PT` Acknowledged in PagerDuty by Alice Ng");
    expect(timelineEntryLine(note!, LA)).toBe("`12:02am PT` &lt;!channel&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt; DB CPU at 100% — <@U0ALICE>");
    expect(timelineEntryLine(status!, LA)).toBe("`12:10am PT` Status set to identified by <@U0ALICE>");
    const other = entry("2026-03-08T08:00:00Z", "note", "Handing over to <@U0ALICE2>", { actor: "U0ALICE" });
    expect(timelineEntryLine(other, LA)).toBe("`12:00am PT` Handing over to <@U0ALICE2> — <@U0ALICE>");
  });

  it("lets through only mentions and links", () => {
    expect(entryMrkdwn("<@U1|dana> in <#C1> <!subteam^S1> <mailto:a@b.c> <https://x.test>")).toBe("<@U1|dana> in <#C1> &lt;!subteam^S1&gt; &lt;mailto:a@b.c&gt; <https://x.test>");
  });
});

describe("header actions", () => {
  it("offers update, note, timeline and resolve while open, carrying the incident id", () => {
    const block = headerActions({ id: 42, status: "identified" });
    expect(block).toMatchSnapshot();
    expect(block.elements.map((e) => ("action_id" in e ? e.action_id : undefined))).toEqual(Object.values(HEADER_ACTIONS));
    for (const element of block.elements) expect(parseHeaderActionValue("value" in element ? element.value : undefined)).toBe(42);
  });

  it("keeps only note and timeline once resolved", () => {
    const block = headerActions({ id: 42, status: "resolved" });
    expect(block.elements.map((e) => ("action_id" in e ? e.action_id : undefined))).toEqual([HEADER_ACTIONS.note, HEADER_ACTIONS.timeline]);
  });

  it("refuses values that are not ours", () => {
    for (const value of [undefined, "", "42", "{", '{"incidentId":"42"}', '{"incidentId":-1}']) expect(parseHeaderActionValue(value)).toBeUndefined();
  });

  it("shows the intervals with the detection date", () => {
    expect(headerDurations(durations, LA)).toEqual({
      type: "context",
      elements: [{ type: "mrkdwn", text: "detected Sat Mar 7, 11:50pm PT · acknowledged +4m · mitigated +2h 9m · resolved +2h 50m" }],
    });
  });
});
