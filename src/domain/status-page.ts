// What the status page shows, decided purely from published public updates: nothing an incident
// has not been approved to say can reach it.
import { componentStatuses, type ComponentStatus, type PublicStatus, type PublicUpdate } from "./public-update.js";

export interface StatusComponent {
  id: string;
  name: string;
  status: ComponentStatus;
}

export interface PublicEntry {
  publicId: string;
  status: PublicStatus;
  body: string;
  at: Date;
  components: StatusComponent[];
}

export interface PublicIncident {
  /** The first update's id: stable, and says nothing about internal numbering. */
  publicId: string;
  /** The internal incident, for the Statuspage sync only; never rendered. */
  incidentId: number;
  title: string;
  status: PublicStatus;
  startedAt: Date;
  updatedAt: Date;
  /** Oldest first. */
  updates: PublicEntry[];
  /** The approved public summary of its post-mortem, once published. */
  summary?: { publicId: string; body: string; at: Date };
}

export interface StatusPage {
  title: string;
  feedId: string;
  generation: number;
  /** The last publication, or undefined on a page that has never published. */
  updatedAt: Date | undefined;
  components: StatusComponent[];
  /** Not publicly resolved, newest first. */
  current: PublicIncident[];
  /** Publicly resolved within the history window, newest first. */
  history: PublicIncident[];
}

export const HISTORY_DAYS = 90;

const severity = (status: ComponentStatus) => componentStatuses.indexOf(status);

/** `published` in publication order (publishedForPage's). */
export function buildStatusPage(input: {
  title: string;
  components: readonly { id: string; name: string }[];
  published: readonly PublicUpdate[];
  feedId: string;
  generation: number;
  now: Date;
}): StatusPage {
  const names = new Map(input.components.map((c) => [c.id, c.name]));
  const byIncident = new Map<number, PublicUpdate[]>();
  for (const update of input.published.filter((u) => u.state === "published")) byIncident.set(update.incidentId, [...(byIncident.get(update.incidentId) ?? []), update]);
  const incidents: PublicIncident[] = [];
  for (const [incidentId, updates] of byIncident) {
    const entries = updates
      .filter((u) => u.kind === "update" && u.status)
      .map((u) => ({
        publicId: u.publicId,
        status: u.status!,
        body: u.body,
        at: u.decidedAt!,
        components: u.components.map((c) => ({ id: c.key, name: names.get(c.key) ?? c.key, status: c.status })),
        title: u.title,
      }));
    if (entries.length === 0) continue; // a summary alone has nothing to stand under
    const summary = updates.filter((u) => u.kind === "postmortem_summary").at(-1);
    const last = entries.at(-1)!;
    incidents.push({
      publicId: entries[0]!.publicId,
      incidentId,
      title: last.title,
      status: last.status,
      startedAt: entries[0]!.at,
      updatedAt: summary && summary.decidedAt! > last.at ? summary.decidedAt! : last.at,
      updates: entries.map(({ title: _title, ...entry }) => entry),
      ...(summary && { summary: { publicId: summary.publicId, body: summary.body, at: summary.decidedAt! } }),
    });
  }
  const newestFirst = (a: PublicIncident, b: PublicIncident) => b.startedAt.getTime() - a.startedAt.getTime();
  const current = incidents.filter((i) => i.status !== "resolved").sort(newestFirst);
  const since = input.now.getTime() - HISTORY_DAYS * 86_400_000;
  const history = incidents.filter((i) => i.status === "resolved" && i.updatedAt.getTime() >= since).sort(newestFirst);

  // A component is as bad as the worst current incident's latest word on it.
  const worst = new Map<string, ComponentStatus>();
  for (const incident of current) {
    const latest = new Map<string, ComponentStatus>();
    for (const entry of incident.updates) for (const c of entry.components) latest.set(c.id, c.status);
    for (const [id, status] of latest) if (severity(status) > severity(worst.get(id) ?? "operational")) worst.set(id, status);
  }
  const updatedAt = input.published.reduce<Date | undefined>((max, u) => (u.decidedAt && (!max || u.decidedAt > max) ? u.decidedAt : max), undefined);
  return {
    title: input.title,
    feedId: input.feedId,
    generation: input.generation,
    updatedAt,
    components: input.components.map((c) => ({ id: c.id, name: c.name, status: worst.get(c.id) ?? "operational" })),
    current,
    history,
  };
}
