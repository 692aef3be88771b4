// What `/incident followup [@owner] [due <day>] <text>` means.
import { describe, expect, it } from "vitest";
import { isOverdue, parseFollowupArgs } from "../../src/domain/followup.js";
import type { Followup } from "../../src/domain/lifecycle.js";

// A Friday.
const today = "2026-12-04";

describe("follow-up arguments", () => {
  it("read an owner and a due day in either order before the text", () => {
    expect(parseFollowupArgs("<@U0ADA|ada> due 2026-12-20 Alert on invalid indexes", today)).toEqual({ ok: true, ownerId: "U0ADA", dueOn: "2026-12-20", text: "Alert on invalid indexes" });
    expect(parseFollowupArgs("due tomorrow <@U0ADA> Alert", today)).toEqual({ ok: true, ownerId: "U0ADA", dueOn: "2026-12-05", text: "Alert" });
    expect(parseFollowupArgs("Alert on invalid indexes", today)).toEqual({ ok: true, text: "Alert on invalid indexes" });
  });

  it("read a weekday as the next one after today, and today as today", () => {
    expect(parseFollowupArgs("due friday x", today)).toMatchObject({ dueOn: "2026-12-11" });
    expect(parseFollowupArgs("due mon x", today)).toMatchObject({ dueOn: "2026-12-07" });
    expect(parseFollowupArgs("due today x", today)).toMatchObject({ dueOn: "2026-12-04" });
  });

  it("refuse a past day and a day that does not exist, with the accepted forms", () => {
    expect(parseFollowupArgs("due 2026-12-03 x", today)).toEqual({ ok: false, reason: expect.stringMatching(/^2026-12-03 is in the past; .*`due 2026-12-20`/) });
    expect(parseFollowupArgs("due 2026-02-30 x", today)).toMatchObject({ ok: false, reason: expect.stringContaining("not a day I can read") });
    expect(parseFollowupArgs("due soon x", today)).toMatchObject({ ok: false });
  });

  it("count an open follow-up as overdue only after its due day", () => {
    const f = (dueOn: string, state: "open" | "done" = "open"): Followup => ({ id: 1, incidentId: 1, text: "x", createdBy: null, createdAt: new Date(), issueUrl: null, dueOn, state });
    expect(isOverdue(f("2026-12-03"), today)).toBe(true);
    expect(isOverdue(f("2026-12-04"), today)).toBe(false);
    expect(isOverdue(f("2026-12-03", "done"), today)).toBe(false);
  });
});
