// Times as people read them in an incident: "9:05am PT", in the team's time zone.
export function formatClock(at: Date, timeZone: string): string {
  return `${formatTimeOfDay(at, timeZone)} ${zoneAbbreviation(at, timeZone)}`;
}

/** "9:05am": the clock without its zone, in a form parseClockInput reads back. */
export function formatTimeOfDay(at: Date, timeZone: string): string {
  const get = partsOf(at, timeZone, "timeOfDay");
  return `${get("hour")}:${get("minute")}${get("dayPeriod").toLowerCase()}`;
}

/** "PT", "UTC", "GMT+1": the zone as people say it at that instant. */
export function zoneAbbreviation(at: Date, timeZone: string): string {
  return shortZone(partsOf(at, timeZone, "zone")("timeZoneName"));
}

/** "Sun Mar 8, 9:05am PT". */
export function formatDateTime(at: Date, timeZone: string): string {
  const get = partsOf(at, timeZone, "shortDay");
  return `${get("weekday")} ${get("month")} ${get("day")}, ${formatClock(at, timeZone)}`;
}

/** "Sunday, March 8": the heading a day's timeline entries sit under. */
export function formatDay(at: Date, timeZone: string): string {
  const get = partsOf(at, timeZone, "longDay");
  return `${get("weekday")}, ${get("month")} ${get("day")}`;
}

/** "Sun Mar 8, 2026, 9:05am PT": for a document read long after, where the year matters. */
export function formatDateTimeWithYear(at: Date, timeZone: string): string {
  const get = partsOf(at, timeZone, "shortDayYear");
  return `${get("weekday")} ${get("month")} ${get("day")}, ${get("year")}, ${formatClock(at, timeZone)}`;
}

/** "Sunday, March 8, 2026". */
export function formatDayWithYear(at: Date, timeZone: string): string {
  const get = partsOf(at, timeZone, "longDayYear");
  return `${get("weekday")}, ${get("month")} ${get("day")}, ${get("year")}`;
}

/** "2026-03-08": the local calendar day, for grouping and for the long form of parseClockInput. */
export function localDate(at: Date, timeZone: string): string {
  const { year, month, day } = wallClock(at.getTime(), timeZone);
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** PST/PDT → PT and the like: the abbreviation people say, whatever the season. */
function shortZone(name: string): string {
  const match = /^([A-Z])[SD]T$/.exec(name);
  return match && ["P", "M", "C", "E"].includes(match[1]!) ? `${match[1]}T` : name;
}

/**
 * What someone typed as a time, in the team's zone: "9:05am", "9:05 am", "9am", "21:05", or
 * "2026-03-08 09:05". A bare time falls on the local day of `reference` (the message being
 * added, or the entry being edited). A trailing zone is allowed only if it is this zone's, so
 * "9:05am UTC" typed in a PT modal is refused rather than quietly read as Pacific time.
 *
 * Across a DST change: a time that happens twice (1:30am when clocks fall back) resolves to the
 * occurrence nearest `reference`, so a time shown in a modal reads back as the same instant; a
 * time that never happens (2:30am when clocks spring forward) moves later by the gap, as
 * Temporal's "compatible" disambiguation does: https://tc39.es/proposal-temporal/docs/timezone.html
 */
export function parseClockInput(text: string, reference: Date, timeZone: string): Date | undefined {
  const match = /^(?:(\d{4})-(\d{2})-(\d{2})(?:\s+|T))?(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)?(?:\s+([a-z]{2,5}|gmt[+-]\d{1,2}(?::\d{2})?))?$/i.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, period, zone] = match;
  const hour = toHour(Number(h), mi === undefined && !period ? undefined : Number(mi ?? 0), period);
  if (hour === undefined) return undefined;
  const day = y ? { year: Number(y), month: Number(mo), day: Number(d) } : wallClock(reference.getTime(), timeZone);
  const wall = Date.UTC(day.year, day.month - 1, day.day, hour, Number(mi ?? 0));
  const check = new Date(wall);
  if (check.getUTCFullYear() !== day.year || check.getUTCMonth() !== day.month - 1 || check.getUTCDate() !== day.day) return undefined;
  const at = new Date(instantFor(wall, reference.getTime(), timeZone));
  if (zone && !acceptedZones(at, timeZone).has(zone.toUpperCase())) return undefined;
  return at;
}

/** 24-hour clock hour, or undefined when it is not a time (a bare "9" with no minutes or am/pm). */
function toHour(hour: number, minute: number | undefined, period: string | undefined): number | undefined {
  if (minute === undefined || minute > 59) return undefined;
  if (!period) return hour <= 23 ? hour : undefined;
  if (hour < 1 || hour > 12) return undefined;
  return (hour % 12) + (period[0]!.toLowerCase() === "p" ? 12 : 0);
}

function acceptedZones(at: Date, timeZone: string): Set<string> {
  const intlName = partsOf(at, timeZone, "zone")("timeZoneName").toUpperCase();
  const short = shortZone(intlName);
  // People write PST all year round; within the US families the season letter is noise.
  const family = short === intlName ? [] : [`${short[0]}ST`, `${short[0]}DT`];
  return new Set([intlName, short, ...family]);
}

/** The instant whose wall clock in `timeZone` reads `wall` (a UTC-based count of local ms). */
function instantFor(wall: number, reference: number, timeZone: string): number {
  const day = 86_400_000;
  // Offsets a day either side bracket any single transition near this wall time.
  const before = offsetAt(wall - day, timeZone);
  const after = offsetAt(wall + day, timeZone);
  const candidates = [...new Set([before, after])].map((offset) => wall - offset).filter((t) => localMs(t, timeZone) === wall);
  if (candidates.length === 0) return wall - before;
  return candidates.reduce((best, t) => (Math.abs(t - reference) < Math.abs(best - reference) ? t : best));
}

function offsetAt(instant: number, timeZone: string): number {
  return localMs(instant, timeZone) - Math.floor(instant / 60_000) * 60_000;
}

/** The wall clock at `instant`, to the minute, counted as if it were UTC. */
function localMs(instant: number, timeZone: string): number {
  const { year, month, day, hour, minute } = wallClock(instant, timeZone);
  return Date.UTC(year, month - 1, day, hour, minute);
}

function wallClock(instant: number, timeZone: string) {
  const get = partsOf(new Date(instant), timeZone, "wallClock");
  return { year: Number(get("year")), month: Number(get("month")), day: Number(get("day")), hour: Number(get("hour")), minute: Number(get("minute")) };
}

const presets = {
  timeOfDay: { hour: "numeric", minute: "2-digit", hour12: true },
  zone: { timeZoneName: "short" },
  shortDay: { weekday: "short", month: "short", day: "numeric" },
  longDay: { weekday: "long", month: "long", day: "numeric" },
  shortDayYear: { weekday: "short", month: "short", day: "numeric", year: "numeric" },
  longDayYear: { weekday: "long", month: "long", day: "numeric", year: "numeric" },
  wallClock: { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
type Preset = keyof typeof presets;

const formatters = new Map<string, Intl.DateTimeFormat>();
// Every preset shows at most minutes, so the parts of one minute serve every instant in it. A
// post-mortem of 10,000 entries formats each entry's time several times; Intl's formatToParts
// was three quarters of drafting it. Bounded: emptied when full.
const partsByMinute = new Map<string, Intl.DateTimeFormatPart[]>();
const MAX_CACHED_MINUTES = 20_000;

function partsOf(at: Date, timeZone: string, preset: Preset): (type: Intl.DateTimeFormatPartTypes) => string {
  const key = `${preset}|${timeZone}|${Math.floor(at.getTime() / 60_000)}`;
  let parts = partsByMinute.get(key);
  if (!parts) {
    const formatKey = `${preset}|${timeZone}`;
    let format = formatters.get(formatKey);
    if (!format) formatters.set(formatKey, (format = new Intl.DateTimeFormat("en-US", { ...presets[preset], timeZone })));
    parts = format.formatToParts(at);
    if (partsByMinute.size >= MAX_CACHED_MINUTES) partsByMinute.clear();
    partsByMinute.set(key, parts);
  }
  const found = parts;
  return (type) => found.find((p) => p.type === type)?.value ?? "";
}

const pad = (n: number) => String(n).padStart(2, "0");
