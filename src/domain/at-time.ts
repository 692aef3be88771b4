// "at 9:45am …": the time a person gives for something that happened before they typed it, so a
// record entered after the fact (a two-day incident written up the next morning) carries the times
// things happened rather than the times they were typed. Read in the team's zone; never the future.
import { localDate, parseClockInput } from "./time-format.js";

export const AT_TIME_FORMS = "`at 9:45am`, `at 09:45`, `at yesterday 13:57` or `at 2025-03-13 13:57`";

export type AtTime = { ok: true; at: Date } | { ok: false; reason: string };
export type AtPrefix = { ok: true; at?: Date; rest: string } | { ok: false; reason: string };

const HOUR = 3_600_000;

/**
 * A time as typed after `at`: "9:45am", "09:45", "yesterday 13:57", "today 9:05", "2025-03-13 13:57".
 * A bare clock time is its latest past occurrence (typed at 1am, "11:30pm" is last night). In the
 * hour that happens twice when clocks fall back, the later occurrence that is not in the future
 * wins; a time in the hour that never happens moves later by the gap (see parseClockInput).
 */
export function parseAtTime(text: string, now: Date, timeZone: string): AtTime {
  const refused = (why: string): AtTime => ({ ok: false, reason: `${why} Give the time as ${AT_TIME_FORMS}.` });
  const match = /^(?:(yesterday|today)\s+|(\d{4}-\d{2}-\d{2})\s+)?(\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)$/i.exec(text.trim());
  if (!match) return refused(`“${text.trim()}” is not a time I can read.`);
  const [, relative, date, clock] = match;
  const today = localDate(now, timeZone);
  const days = date ? [date] : relative?.toLowerCase() === "yesterday" ? [dayBefore(today)] : relative ? [today] : [today, dayBefore(today)];
  for (const day of days) {
    const at = latestNotAfter(`${day} ${clock!}`, now, timeZone);
    if (at === undefined) return refused(`“${text.trim()}” is not a time I can read.`);
    if (at.getTime() <= now.getTime()) return { ok: true, at };
  }
  return refused(`${text.trim()} is in the future; times given with \`at\` are when something already happened.`);
}

/**
 * Splits a leading `at <time>` off a command's text. Text that starts with "at" and a word that is
 * no time ("at least half the pods…") is the text itself; "at 25:99 …" is refused.
 */
export function splitAtTime(args: string, now: Date, timeZone: string): AtPrefix {
  const trimmed = args.trim();
  const clock = String.raw`(?:\d{1,2}:\d{2}\S*(?:\s+[ap]\.?m\.?(?=\s|$))?|\d{1,2}\s*[ap]\.?m\.?(?=\s|$))`;
  const match = new RegExp(String.raw`^at\s+((?:(?:yesterday|today)\s+|\d{4}-\d{2}-\d{2}\s+)?${clock})(?:\s+([\s\S]*))?$`, "i").exec(trimmed);
  if (!match) {
    // A day with no readable time after it was meant as a time, not as words.
    if (/^at\s+(?:yesterday|today|\d{4}-\d{2}-\d{2})(?:\s|$)/i.test(trimmed)) return { ok: false, reason: `That time is not one I can read. Give it as ${AT_TIME_FORMS}.` };
    return { ok: true, rest: trimmed };
  }
  const parsed = parseAtTime(match[1]!, now, timeZone);
  if (!parsed.ok) return parsed;
  return { ok: true, at: parsed.at, rest: (match[2] ?? "").trim() };
}

/** Of the instants whose local clock reads `wall` ("2026-03-08 09:05"), the latest not after `now`, else the earliest. */
function latestNotAfter(wall: string, now: Date, timeZone: string): Date | undefined {
  // parseClockInput picks the occurrence nearest its reference; references either side of the
  // repeated hour reveal both occurrences when there are two.
  const nearNow = parseClockInput(wall, now, timeZone);
  if (!nearNow) return undefined;
  const earlier = parseClockInput(wall, new Date(nearNow.getTime() - 2 * HOUR), timeZone)!;
  const later = parseClockInput(wall, new Date(nearNow.getTime() + 2 * HOUR), timeZone)!;
  const occurrences = [...new Set([earlier.getTime(), nearNow.getTime(), later.getTime()])].sort((a, b) => a - b);
  const past = occurrences.filter((t) => t <= now.getTime());
  return new Date(past.length > 0 ? past.at(-1)! : occurrences[0]!);
}

function dayBefore(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}
