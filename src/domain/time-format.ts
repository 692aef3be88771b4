// Times as people read them in an incident: "9:05am PT", in the team's time zone.
export function formatClock(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "2-digit", hour12: true, timeZoneName: "short" }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("hour")}:${get("minute")}${get("dayPeriod").toLowerCase()} ${shortZone(get("timeZoneName"))}`;
}

/** PST/PDT → PT and the like: the abbreviation people say, whatever the season. */
function shortZone(name: string): string {
  const match = /^([A-Z])[SD]T$/.exec(name);
  return match && ["P", "M", "C", "E"].includes(match[1]!) ? `${match[1]}T` : name;
}
