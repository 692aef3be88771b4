import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { TimelineEntry } from "../../src/domain/timeline.js";
import { lifecycleSubcommands as routedSubcommands } from "../../src/slack/listeners/lifecycle-commands.js";
import { lifecycleHelp, lifecycleSubcommands, parseSeverity, parseStatus, parseUserMention } from "../../src/views/slack/lifecycle-help.js";
import {
  addToTimelineModal, editEntryModal, noteModal, parseAddToTimeline, parseEditEntry, parseNote, parseResolve, parseStatusUpdate, resolveModal,
  slackTextToPlain, statusUpdateModal,
} from "../../src/views/slack/lifecycle-modals.js";

const LA = "America/Los_Angeles";
const incident = { id: 42, status: "identified" as const, severity: "SEV2" as const };
const text = (value: string | null) => ({ value: { type: "plain_text_input", value } });
const select = (value: string | null) => ({ value: { type: "static_select", selected_option: value ? { value } : null } });
/** What Slack sends back on submit: the view's state and its private_metadata, untouched. */
const submit = (view: { private_metadata?: string }, values: Record<string, unknown>) => ({ state: { values }, private_metadata: view.private_metadata! });
const OUT_OF_DATE = expect.stringContaining("out of date");

describe("status update modal", () => {
  const view = statusUpdateModal(incident);

  it("starts from the current status and severity, and cannot resolve", () => {
    expect(view).toMatchSnapshot();
    expect(JSON.stringify(view)).not.toContain('"value":"resolved"');
  });

  it("parses a submission and round-trips the incident id", () => {
    expect(parseStatusUpdate(submit(view, { status: select("monitoring"), severity: select("SEV3"), summary: text("  Error rate is down; watching.  ") }))).toEqual({
      ok: true,
      value: { incidentId: 42, status: "monitoring", severity: "SEV3", summary: "Error rate is down; watching." },
    });
  });

  it("returns per-field errors", () => {
    expect(parseStatusUpdate(submit(view, { status: select(null), severity: select(null), summary: text("  ") }))).toEqual({
      ok: false,
      errors: { status: "Choose a status.", severity: "Choose a severity.", summary: expect.stringContaining("what is happening") },
    });
    expect(parseStatusUpdate(submit(view, { status: select("resolved"), severity: select("SEV2"), summary: text("done") }))).toMatchObject({
      ok: false, errors: { status: expect.stringContaining("Use Resolve") },
    });
    expect(parseStatusUpdate(submit(view, { status: select("closed"), severity: select("SEV2"), summary: text("x") }))).toEqual({ ok: false, errors: { summary: OUT_OF_DATE } });
    expect(parseStatusUpdate({ state: { values: { status: select("monitoring"), severity: select("SEV2"), summary: text("x") } }, private_metadata: "{" })).toEqual({ ok: false, errors: { summary: OUT_OF_DATE } });
  });

  it("leaves the status unselected when the incident is already resolved", () => {
    const resolved = statusUpdateModal({ ...incident, status: "resolved" });
    expect(JSON.stringify(resolved.blocks[0])).not.toContain("initial_option");
  });
});

describe("resolve modal", () => {
  const view = resolveModal(incident);

  it("asks for a resolution summary and, optionally, the root cause", () => {
    expect(view).toMatchSnapshot();
    expect(parseResolve(submit(view, { resolution: text("Replica promoted; primary rebuilt"), root_cause: text(" Index bloat ") }))).toEqual({
      ok: true, value: { incidentId: 42, summary: "Replica promoted; primary rebuilt", rootCause: "Index bloat" },
    });
    expect(parseResolve(submit(view, { resolution: text("Replica promoted; primary rebuilt"), root_cause: text(null) }))).toEqual({
      ok: true, value: { incidentId: 42, summary: "Replica promoted; primary rebuilt" },
    });
  });

  it("wants at least a sentence", () => {
    expect(parseResolve(submit(view, { resolution: text(" fixed    "), root_cause: text("") }))).toEqual({
      ok: false, errors: { resolution: expect.stringContaining("at least 10 characters") },
    });
  });

  describe("with impact and the times it was mitigated and resolved", () => {
    const timed = resolveModal(incident, LA);
    const now = new Date("2026-03-13T21:00:00Z"); // 2pm PDT
    const values = (mitigated: string, resolved: string) => ({
      resolution: text("Rolled back to v2.13"), impact: text(" About 2,670 API requests failed "), root_cause: text(""), mitigated_at: text(mitigated), resolved_at: text(resolved),
    });

    it("defaults both times to now, which means the moment Resolve is pressed", () => {
      expect(JSON.stringify(timed.blocks)).toContain('"block_id":"mitigated_at"');
      expect(timed.blocks.filter((b) => b.block_id?.endsWith("_at")).map((b) => (b as { element: { initial_value?: string } }).element.initial_value)).toEqual(["now", "now"]);
      expect(parseResolve(submit(timed, values("now", "now")), now, LA)).toEqual({ ok: true, value: { incidentId: 42, summary: "Rolled back to v2.13", impact: "About 2,670 API requests failed" } });
    });

    it("reads the times as `at` does: the latest past occurrence, in the team's zone", () => {
      expect(parseResolve(submit(timed, values("yesterday 22:05", "9:30am")), now, LA)).toMatchObject({
        ok: true, value: { mitigatedAt: new Date("2026-03-13T05:05:00Z"), resolvedAt: new Date("2026-03-13T16:30:00Z") },
      });
    });

    it("pre-fills Resolved at from `/incident status at … resolved`", () => {
      const prefilled = resolveModal(incident, LA, new Date("2026-03-13T16:30:00Z"));
      expect(JSON.stringify(prefilled.blocks)).toContain('"initial_value":"2026-03-13 9:30am"');
      expect(parseResolve(submit(prefilled, values("now", "2026-03-13 9:30am")), now, LA)).toMatchObject({ ok: true, value: { resolvedAt: new Date("2026-03-13T16:30:00Z") } });
    });

    it("refuses a time it cannot read, one in the future, and mitigation after resolution", () => {
      expect(parseResolve(submit(timed, values("soon", "today 23:00")), now, LA)).toEqual({
        ok: false,
        errors: { mitigated_at: expect.stringContaining("`9:45am`, `09:45`, `yesterday 13:57` or `2025-03-13 13:57`"), resolved_at: expect.stringContaining("is in the future") },
      });
      expect(parseResolve(submit(timed, values("1pm", "12:30")), now, LA)).toEqual({ ok: false, errors: { mitigated_at: expect.stringContaining("no later than") } });
    });
  });
});

describe("add to timeline modal", () => {
  const at = new Date("2026-03-08T09:59:00Z"); // 1:59am PST, a minute before the DST change
  const input = { incidentId: 42, text: "Failover &amp; restart done &lt;@U0BOB&gt;", at, author: "U0ALICE", permalink: "https://acme.slack.com/archives/C0INC/p1772963940000100" };
  const view = addToTimelineModal(input, LA);

  it("shows the message's time in the team's zone and its text as people wrote it", () => {
    expect(view).toMatchSnapshot();
    const time = view.blocks.find((b) => b.block_id === "time");
    expect(time).toMatchObject({ label: { text: "Time (PT)" }, element: { initial_value: "1:59am" } });
    expect(view.blocks.find((b) => b.block_id === "text")).toMatchObject({ element: { initial_value: "Failover & restart done <@U0BOB>" } });
  });

  it("round-trips the shown time and the metadata exactly", () => {
    expect(parseAddToTimeline(submit(view, { time: text("1:59am"), text: text("Failover & restart done") }), LA)).toEqual({
      ok: true, value: { incidentId: 42, at, text: "Failover & restart done", author: "U0ALICE", permalink: input.permalink, trigger: false },
    });
  });

  it("reads the start-of-trouble checkbox", () => {
    const checked = { value: { type: "checkboxes", selected_options: [{ value: "trigger" }] } };
    expect(parseAddToTimeline(submit(view, { time: text("1:59am"), text: text("Deploy hit the pool"), trigger: checked }), LA)).toMatchObject({ ok: true, value: { trigger: true } });
  });

  it("reads an edited time on the message's day, across the DST change", () => {
    const parsed = parseAddToTimeline(submit(view, { time: text("3:05 am"), text: text("Failover done") }), LA);
    expect(parsed).toMatchObject({ ok: true, value: { at: new Date("2026-03-08T10:05:00Z") } });
  });

  it("returns per-field errors", () => {
    expect(parseAddToTimeline(submit(view, { time: text("five past nine"), text: text(" ") }), LA)).toEqual({
      ok: false, errors: { time: expect.stringContaining("Use a time like 9:05am"), text: "Write what happened." },
    });
    expect(parseAddToTimeline({ state: { values: { time: text("9:05am"), text: text("x") } }, private_metadata: JSON.stringify({ incidentId: 42, at: "yesterday", author: null, permalink: null }) }, LA))
      .toEqual({ ok: false, errors: { text: OUT_OF_DATE } });
  });

  it("works for a message without an author or permalink", () => {
    const bare = addToTimelineModal({ ...input, author: null, permalink: null }, "UTC");
    expect(bare.blocks.map((b) => b.type)).toEqual(["input", "input", "input"]);
    expect(parseAddToTimeline(submit(bare, { time: text("09:59"), text: text("x") }), "UTC")).toEqual({ ok: true, value: { incidentId: 42, at, text: "x", author: null, permalink: null, trigger: false } });
  });
});

describe("edit timeline entry modal", () => {
  const entry: Pick<TimelineEntry, "id" | "eventAt" | "text"> = { id: 901, eventAt: new Date("2026-03-08T10:00:00Z"), text: "Clocks moved on" };
  const view = editEntryModal(entry, LA);
  const values = (time: string, body: string, remove: boolean) => ({
    time: text(time), text: text(body), remove: { value: { type: "checkboxes", selected_options: remove ? [{ value: "remove" }] : [] } },
  });

  it("prefills the entry and round-trips its id", () => {
    expect(view).toMatchSnapshot();
    expect(parseEditEntry(submit(view, values("3:00am", "Clocks moved on", false)), LA)).toEqual({
      ok: true, value: { entryId: 901, at: entry.eventAt, text: "Clocks moved on", remove: false },
    });
    expect(parseEditEntry(submit(view, values("1:55am", " Clocks moved on (graphs) ", false)), LA)).toEqual({
      ok: true, value: { entryId: 901, at: new Date("2026-03-08T09:55:00Z"), text: "Clocks moved on (graphs)", remove: false },
    });
  });

  it("removes without checking time or text", () => {
    expect(parseEditEntry(submit(view, values("nonsense", "", true)), LA)).toEqual({ ok: true, value: { entryId: 901, at: entry.eventAt, text: "", remove: true } });
  });

  it("returns per-field errors", () => {
    expect(parseEditEntry(submit(view, values("noon-ish", "", false)), LA)).toEqual({
      ok: false, errors: { time: expect.stringContaining("Use a time like 9:05am"), text: expect.stringContaining("Write what happened") },
    });
  });
});

describe("note modal", () => {
  const view = noteModal(incident);

  it("takes one note", () => {
    expect(view).toMatchSnapshot();
    expect(parseNote(submit(view, { note: text(" CPU back to 40% ") }))).toEqual({ ok: true, value: { incidentId: 42, text: "CPU back to 40%" } });
    expect(parseNote(submit(view, { note: text(null) }))).toEqual({ ok: false, errors: { note: "Write the note." } });
    expect(parseNote({ state: { values: {} }, private_metadata: view.private_metadata! })).toEqual({ ok: false, errors: { note: OUT_OF_DATE } });
  });
});

describe("slackTextToPlain", () => {
  it("decodes Slack's three entities, & last so &amp;lt; stays &lt;", () => {
    expect(slackTextToPlain("a &amp; b &lt;@U1&gt; &amp;lt;")).toBe("a & b <@U1> &lt;");
  });
});

describe("lifecycle help", () => {
  it("lists every subcommand, escaping placeholders Slack would read as links", () => {
    const help = lifecycleHelp();
    expect(help).toMatchSnapshot();
    expect(lifecycleSubcommands.map((s) => s.usage.split(" ")[0])).toEqual([
      "declare", "status", "severity", "commander", "role", "note", "impact", "update", "timeline", "catchup", "followup", "followups", "rename", "resolve", "playbook", "escalate", "rootcause", "postmortem", "help",
    ]);
    expect(help).toContain("`/incident role &lt;name&gt; @user`");
    expect(help).toContain("`/incident status investigating|identified|monitoring|resolved`");
    expect(help).toContain("`/incident severity SEV1..SEV4`");
    expect(help).toContain("*Add to timeline* message shortcut");
    expect(help).toContain("`/incident note at 9:45am Failover did not help`; also `at 09:45`, `at yesterday 13:57`, `at 2025-03-13 13:57`");
    expect(lifecycleHelp("I don't know “foo”.")).toMatch(/^I don't know “foo”\.\n\n\*Firebreak commands\*/);
  });

  it("names every subcommand the command router accepts, aliases aside", () => {
    const helped = new Set(lifecycleSubcommands.map((s) => s.usage.split(" ")[0]));
    const aliases = new Set(["sev", "ic", "follow-up", "root-cause", "catch-up"]);
    for (const sub of routedSubcommands) if (!aliases.has(sub)) expect(helped, `help omits ${sub}`).toContain(sub);
  });

  it("agrees with README: every subcommand in help is documented there, with the same statuses", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    for (const { usage } of lifecycleSubcommands) expect(readme, `README omits /incident ${usage}`).toContain(`/incident ${usage.split(" ")[0]}`);
    expect(readme).toContain("`/incident status investigating\\|identified\\|monitoring\\|resolved`");
  });

  it("parses mentions, severities and statuses", () => {
    expect(parseUserMention("<@U123>")).toBe("U123");
    expect(parseUserMention(" <@W9ABC|dana> ")).toBe("W9ABC");
    for (const bad of ["@dana", "U123", "<#C123>", "<@U123", "<!here>", "<@U1> <@U2>"]) expect(parseUserMention(bad)).toBeUndefined();
    expect(["sev1", "SEV1", "1", " Sev 2 ", "sev4"].map(parseSeverity)).toEqual(["SEV1", "SEV1", "SEV1", "SEV2", "SEV4"]);
    for (const bad of ["sev5", "0", "critical", "sev", "11"]) expect(parseSeverity(bad)).toBeUndefined();
    expect(["Investigating", "IDENTIFIED", " monitoring ", "resolved"].map(parseStatus)).toEqual(["investigating", "identified", "monitoring", "resolved"]);
    expect(parseStatus("fixed")).toBeUndefined();
  });
});
