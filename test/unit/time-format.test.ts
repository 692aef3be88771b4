import { describe, expect, it } from "vitest";
import { formatClock, formatDateTime, formatDay, formatTimeOfDay, localDate, parseClockInput, zoneAbbreviation } from "../../src/domain/time-format.js";

const LA = "America/Los_Angeles";
const at = (iso: string) => new Date(iso);
// 2026-03-08 is the US spring-forward day: in Los Angeles, 2:00am PST becomes 3:00am PDT at 10:00Z.
const beforeChange = at("2026-03-08T09:59:00Z");
const afterChange = at("2026-03-08T10:00:00Z");

describe("formatting", () => {
  it("reads the same clock people do across the DST change", () => {
    expect(formatClock(beforeChange, LA)).toBe("1:59am PT");
    expect(formatClock(afterChange, LA)).toBe("3:00am PT");
    expect(formatClock(at("2026-03-08T08:00:00Z"), LA)).toBe("12:00am PT");
    expect(formatClock(at("2026-03-08T20:30:00Z"), LA)).toBe("1:30pm PT");
  });

  it("says the US zones as people do, and leaves other zones as Intl names them", () => {
    const winter = at("2026-01-15T17:05:00Z");
    const summer = at("2026-07-15T17:05:00Z");
    expect([winter, summer].map((t) => zoneAbbreviation(t, "America/Denver"))).toEqual(["MT", "MT"]);
    expect([winter, summer].map((t) => zoneAbbreviation(t, "America/Phoenix"))).toEqual(["MT", "MT"]);
    expect([winter, summer].map((t) => zoneAbbreviation(t, "America/Chicago"))).toEqual(["CT", "CT"]);
    expect([winter, summer].map((t) => zoneAbbreviation(t, "America/New_York"))).toEqual(["ET", "ET"]);
    expect(formatClock(summer, "UTC")).toBe("5:05pm UTC");
    // Europe/London in summer is BST, which en-US calls GMT+1.
    expect(formatClock(winter, "Europe/London")).toBe("5:05pm GMT");
    expect(formatClock(summer, "Europe/London")).toBe("6:05pm GMT+1");
    expect(formatClock(winter, "Europe/Berlin")).toBe("6:05pm GMT+1");
    expect(formatClock(winter, "Asia/Kolkata")).toBe("10:35pm GMT+5:30");
    expect(formatClock(winter, "Pacific/Honolulu")).toBe("7:05am HST");
  });

  it("formats date and time, the day, and the local date", () => {
    const morning = at("2026-03-08T16:05:00Z");
    expect(formatDateTime(morning, LA)).toBe("Sun Mar 8, 9:05am PT");
    expect(formatDay(morning, LA)).toBe("Sunday, March 8");
    expect(formatTimeOfDay(morning, LA)).toBe("9:05am");
    // 07:30Z is still Saturday evening in Los Angeles.
    expect(formatDay(at("2026-03-08T07:30:00Z"), LA)).toBe("Saturday, March 7");
    expect(localDate(at("2026-03-08T07:30:00Z"), LA)).toBe("2026-03-07");
    expect(localDate(at("2026-03-08T07:30:00Z"), "UTC")).toBe("2026-03-08");
  });
});

describe("parseClockInput", () => {
  const reference = at("2026-03-08T17:00:00Z"); // 10:00am PDT on the DST day

  it.each([
    ["9:05am", "2026-03-08T16:05:00.000Z"],
    ["9:05 am", "2026-03-08T16:05:00.000Z"],
    ["9:05 AM", "2026-03-08T16:05:00.000Z"],
    ["9:05 a.m.", "2026-03-08T16:05:00.000Z"],
    ["9am", "2026-03-08T16:00:00.000Z"],
    ["  21:05 ", "2026-03-09T04:05:00.000Z"],
    ["09:05", "2026-03-08T16:05:00.000Z"],
    ["12:00am", "2026-03-08T08:00:00.000Z"],
    ["12:30pm", "2026-03-08T19:30:00.000Z"],
    ["2026-03-08 09:05", "2026-03-08T16:05:00.000Z"],
    ["2026-03-07 23:50", "2026-03-08T07:50:00.000Z"],
    ["2026-03-07 11:50pm", "2026-03-08T07:50:00.000Z"],
    ["9:05am PT", "2026-03-08T16:05:00.000Z"],
    ["9:05am PST", "2026-03-08T16:05:00.000Z"],
    ["9:05am pdt", "2026-03-08T16:05:00.000Z"],
  ])("reads %j", (text, iso) => {
    expect(parseClockInput(text, reference, LA)?.toISOString()).toBe(iso);
  });

  it.each(["", "9", "soon", "25:00", "24:00", "9:60", "13:05pm", "0:30am", "9:05am UTC", "9:05am ET", "2026-02-30 09:05", "2026-3-8 09:05", "9:05:30"])(
    "refuses %j",
    (text) => {
      expect(parseClockInput(text, reference, LA)).toBeUndefined();
    },
  );

  it("is right on both sides of the spring-forward gap", () => {
    expect(parseClockInput("1:59am", reference, LA)).toEqual(beforeChange);
    expect(parseClockInput("3:00am", reference, LA)).toEqual(afterChange);
    // 2:30am never happens that day; like Temporal's "compatible", it moves on by the gap.
    expect(parseClockInput("2:30am", reference, LA)).toEqual(at("2026-03-08T10:30:00Z"));
  });

  it("reads a time that happens twice (fall back) as the occurrence nearest the reference", () => {
    const firstOccurrence = at("2026-11-01T08:30:00Z"); // 1:30am PDT
    const secondOccurrence = at("2026-11-01T09:30:00Z"); // 1:30am PST
    expect(parseClockInput("1:30am", at("2026-11-01T08:10:00Z"), LA)).toEqual(firstOccurrence);
    expect(parseClockInput("1:30am", at("2026-11-01T09:45:00Z"), LA)).toEqual(secondOccurrence);
  });

  it("reads back every time it shows, across both DST changes", () => {
    for (const day of ["2026-03-08T06:00:00Z", "2026-11-01T06:00:00Z"]) {
      for (let minutes = 0; minutes < 24 * 60; minutes += 5) {
        const shown = new Date(at(day).getTime() + minutes * 60_000);
        expect(parseClockInput(formatTimeOfDay(shown, LA), shown, LA)).toEqual(shown);
      }
    }
  });

  it("handles Europe/London in BST and on its own change day", () => {
    const london = "Europe/London";
    expect(parseClockInput("10:00", at("2026-07-01T12:00:00Z"), london)).toEqual(at("2026-07-01T09:00:00Z"));
    expect(parseClockInput("10:00am GMT+1", at("2026-07-01T12:00:00Z"), london)).toEqual(at("2026-07-01T09:00:00Z"));
    // 2026-03-29: 1:00am GMT becomes 2:00am BST.
    const changeDay = at("2026-03-29T12:00:00Z");
    expect(parseClockInput("12:59am", changeDay, london)).toEqual(at("2026-03-29T00:59:00Z"));
    expect(parseClockInput("2:00am", changeDay, london)).toEqual(at("2026-03-29T01:00:00Z"));
    expect(formatClock(at("2026-03-29T01:00:00Z"), london)).toBe("2:00am GMT+1");
  });

  it("takes the reference's local day, not its UTC day", () => {
    // 03:00Z on Mar 9 is still Sunday evening in Los Angeles.
    expect(parseClockInput("9:05am", at("2026-03-09T03:00:00Z"), LA)).toEqual(at("2026-03-08T16:05:00Z"));
    expect(parseClockInput("9:05am", at("2026-03-09T03:00:00Z"), "UTC")).toEqual(at("2026-03-09T09:05:00Z"));
  });
});
