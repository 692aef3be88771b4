// Peak hours: windows in which risky steps need one more approval. The outage that shaped this
// ran a risky index change at peak; the guard makes that a deliberate, two-person decision.
import type { ConfigFile, Weekday } from "../kernel/config-file.js";

const dayNames: Weekday[] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

export function isPeakHours(now: Date, peak: ConfigFile["peak_hours"], defaultTimeZone: string): boolean {
  if (!peak) return false;
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: peak.timezone ?? defaultTimeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const day = get("weekday").slice(0, 3).toLowerCase() as Weekday;
  const minutes = Number(get("hour")) * 60 + Number(get("minute"));
  const toMinutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3));
  return peak.windows.some((w) => {
    const from = toMinutes(w.from);
    const to = toMinutes(w.to);
    if (from <= to) return w.days.includes(day) && minutes >= from && minutes < to;
    // An overnight window (22:00–02:00) belongs to the day it starts on.
    const yesterday = dayNames[(dayNames.indexOf(day) + 6) % 7]!;
    return (w.days.includes(day) && minutes >= from) || (w.days.includes(yesterday) && minutes < to);
  });
}
