import { describe, expect, it } from "vitest";
import { parseAtTime, splitAtTime } from "../../src/domain/at-time.js";

const LA = "America/Los_Angeles";
const at = (text: string, now: string, zone = LA) => {
  const parsed = parseAtTime(text, new Date(now), zone);
  return parsed.ok ? parsed.at.toISOString() : parsed.reason;
};

describe("parseAtTime", () => {
  // 2026-03-13 14:00 PDT is 21:00Z.
  const now = "2026-03-13T21:00:00Z";

  it("reads each accepted form in the team's zone", () => {
    expect(at("9:45am", now)).toBe("2026-03-13T16:45:00.000Z");
    expect(at("9:45 am", now)).toBe("2026-03-13T16:45:00.000Z");
    expect(at("09:45", now)).toBe("2026-03-13T16:45:00.000Z");
    expect(at("1pm", now)).toBe("2026-03-13T20:00:00.000Z");
    expect(at("yesterday 13:57", now)).toBe("2026-03-12T20:57:00.000Z");
    expect(at("today 13:57", now)).toBe("2026-03-13T20:57:00.000Z");
    expect(at("2025-03-13 13:57", now)).toBe("2025-03-13T20:57:00.000Z");
    expect(at("09:45", now, "UTC")).toBe("2026-03-13T09:45:00.000Z");
  });

  it("takes a bare clock time as its latest past occurrence", () => {
    // 3pm has not happened yet today, so it was yesterday's.
    expect(at("3pm", now)).toBe("2026-03-12T22:00:00.000Z");
    // Just after midnight, 11:30pm is last night.
    expect(at("23:30", "2026-03-14T07:10:00Z")).toBe("2026-03-14T06:30:00.000Z");
    // The current minute is not the future.
    expect(at("2pm", now)).toBe("2026-03-13T21:00:00.000Z");
  });

  it("refuses an explicit time in the future, naming the accepted forms", () => {
    expect(at("today 15:00", now)).toMatch(/^today 15:00 is in the future;.*`at 9:45am`, `at 09:45`, `at yesterday 13:57` or `at 2025-03-13 13:57`/);
    expect(at("2026-03-14 09:00", now)).toMatch(/is in the future/);
  });

  it("refuses what is not a time, or not a date", () => {
    expect(at("25:00", now)).toMatch(/is not a time I can read. Give the time as/);
    expect(at("9:75am", now)).toMatch(/is not a time/);
    expect(at("2025-02-30 10:00", now)).toMatch(/is not a time/);
    expect(at("noon", now)).toMatch(/is not a time/);
  });

  // US clocks sprang forward at 2am on 2026-03-08 and fall back at 2am on 2026-11-01.
  it("moves a time in the hour that never happened later by the gap", () => {
    expect(at("2026-03-08 02:30", now)).toBe("2026-03-08T10:30:00.000Z"); // = 3:30am PDT
    expect(at("yesterday 2:30am", "2026-03-09T20:00:00Z")).toBe("2026-03-08T10:30:00.000Z");
  });

  it("takes the latest past occurrence of a time that happened twice", () => {
    // 1:30am happened at 08:30Z (PDT) and again at 09:30Z (PST).
    expect(at("1:30am", "2026-11-01T10:00:00Z")).toBe("2026-11-01T09:30:00.000Z");
    // At 1:15am PST, the second 1:30am is still ahead: the first one is meant.
    expect(at("1:30am", "2026-11-01T09:15:00Z")).toBe("2026-11-01T08:30:00.000Z");
    expect(at("2026-11-01 01:30", "2026-11-02T00:00:00Z")).toBe("2026-11-01T09:30:00.000Z");
  });

  it("reads yesterday across a 25-hour day", () => {
    // The day after the clocks fell back, yesterday's 1:00 is the later of the two.
    expect(at("yesterday 01:00", "2026-11-02T18:00:00Z")).toBe("2026-11-01T09:00:00.000Z");
    expect(at("yesterday 23:00", "2026-11-02T18:00:00Z")).toBe("2026-11-02T07:00:00.000Z");
  });
});

describe("splitAtTime", () => {
  const now = new Date("2026-03-13T21:00:00Z");
  const split = (args: string) => splitAtTime(args, now, LA);

  it("splits a leading time from the text", () => {
    expect(split("at 9:45am Failover did not help")).toEqual({ ok: true, at: new Date("2026-03-13T16:45:00Z"), rest: "Failover did not help" });
    expect(split("at 9:45 am Failover")).toEqual({ ok: true, at: new Date("2026-03-13T16:45:00Z"), rest: "Failover" });
    expect(split("at yesterday 13:57 monitoring")).toEqual({ ok: true, at: new Date("2026-03-12T20:57:00Z"), rest: "monitoring" });
    expect(split("at 2025-03-13 13:57 SEV1")).toEqual({ ok: true, at: new Date("2025-03-13T20:57:00Z"), rest: "SEV1" });
    expect(split("AT 9am SEV2")).toEqual({ ok: true, at: new Date("2026-03-13T16:00:00Z"), rest: "SEV2" });
  });

  it("leaves text that only starts with the word at", () => {
    expect(split("at least half the pods are down")).toEqual({ ok: true, rest: "at least half the pods are down" });
    expect(split("at 9 replicas it holds")).toEqual({ ok: true, rest: "at 9 replicas it holds" });
    expect(split("no time here")).toEqual({ ok: true, rest: "no time here" });
  });

  it("refuses a time it cannot read or one in the future", () => {
    expect(split("at 25:99 something")).toMatchObject({ ok: false, reason: expect.stringContaining("`at yesterday 13:57`") });
    expect(split("at yesterday noon")).toMatchObject({ ok: false, reason: expect.stringContaining("`at 2025-03-13 13:57`") });
    expect(split("at today 23:00 later")).toMatchObject({ ok: false, reason: expect.stringContaining("in the future") });
  });
});
