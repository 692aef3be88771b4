// Follow-ups tracked to done: what `/incident followup [@owner] [due <day>] <text>` says, and
// when one is overdue. Days are calendar days in the team's zone, written YYYY-MM-DD. Pure.
import type { Followup } from "./lifecycle.js";

export const DUE_FORMS = "`due 2026-12-20`, `due today`, `due tomorrow` or `due friday`";

export type FollowupArgs = { ok: true; ownerId?: string; dueOn?: string; text: string } | { ok: false; reason: string };

const weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const DAY_MS = 86_400_000;

/** An owner mention and a due day, in either order, before the text. `today` is the local day now. */
export function parseFollowupArgs(args: string, today: string): FollowupArgs {
  let rest = args.trim();
  let ownerId: string | undefined;
  let dueOn: string | undefined;
  for (let i = 0; i < 2; i++) {
    const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>\s*/.exec(rest);
    if (mention && !ownerId) {
      ownerId = mention[1]!;
      rest = rest.slice(mention[0].length);
      continue;
    }
    const due = /^due\s+(\S+)(?:\s+|$)/i.exec(rest);
    if (due && !dueOn) {
      const day = parseDueDay(due[1]!, today);
      if (!day.ok) return day;
      dueOn = day.day;
      rest = rest.slice(due[0].length);
    }
  }
  return { ok: true, ...(ownerId && { ownerId }), ...(dueOn && { dueOn }), text: rest.trim() };
}

/** "2026-12-20", "today", "tomorrow" or a weekday (the next one after today); never a past day. */
export function parseDueDay(word: string, today: string): { ok: true; day: string } | { ok: false; reason: string } {
  const lower = word.toLowerCase();
  const refuse = (why: string) => ({ ok: false as const, reason: `${why} Give the due day as ${DUE_FORMS}.` });
  let day: string | undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(lower)) day = isCalendarDay(lower) ? lower : undefined;
  else if (lower === "today") day = today;
  else if (lower === "tomorrow") day = addDays(today, 1);
  else {
    const index = weekdays.findIndex((w) => w === lower || w.slice(0, 3) === lower);
    if (index >= 0) day = addDays(today, ((index - weekdayOf(today) + 6) % 7) + 1);
  }
  if (!day) return refuse(`“${word}” is not a day I can read.`);
  if (day < today) return refuse(`${day} is in the past; a follow-up is due today or later.`);
  return { ok: true, day };
}

export const followupState = (f: Followup) => f.state ?? "open";

/** Open, with a due day before today. */
export const isOverdue = (f: Followup, today: string) => followupState(f) === "open" && Boolean(f.dueOn) && f.dueOn! < today;

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const weekdayOf = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();
const isCalendarDay = (day: string) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
