// The status page as an Atom 1.0 feed (RFC 4287): one entry per public update and per post-mortem
// summary. Ids are urn:uuid IRIs (RFC 4122 §3) that never change: the feed's is made once per
// installation (migration 014), an entry's is its update's public id.
import { statusLabel } from "../../domain/public-update.js";
import type { StatusPage } from "../../domain/status-page.js";
import { formatDateTimeWithYear } from "../../domain/time-format.js";

const escape = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
const EPOCH = new Date(0);

interface Entry {
  id: string;
  title: string;
  updated: Date;
  content: string;
  anchor: string;
}

export function statusPageAtom(page: StatusPage, timeZone: string): string {
  const entries: Entry[] = [];
  for (const incident of [...page.current, ...page.history]) {
    for (const update of incident.updates) {
      const affected = update.components.length > 0 ? `\n\nAffected: ${update.components.map((c) => `${c.name} (${c.status})`).join(", ")}` : "";
      entries.push({ id: update.publicId, title: `${incident.title}: ${statusLabel(update.status)}`, updated: update.at, content: `${update.body}${affected}\n\nPosted ${formatDateTimeWithYear(update.at, timeZone)}`, anchor: incident.publicId });
    }
    if (incident.summary) entries.push({ id: incident.summary.publicId, title: `${incident.title}: post-incident summary`, updated: incident.summary.at, content: incident.summary.body, anchor: incident.publicId });
  }
  entries.sort((a, b) => b.updated.getTime() - a.updated.getTime());
  const body = entries
    .map(
      (e) => `<entry>
<id>urn:uuid:${e.id}</id>
<title>${escape(e.title)}</title>
<updated>${e.updated.toISOString()}</updated>
<link rel="alternate" type="text/html" href="/status#incident-${e.anchor}"/>
<content type="text">${escape(e.content)}</content>
</entry>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<id>urn:uuid:${page.feedId}</id>
<title>${escape(page.title)}</title>
<updated>${(page.updatedAt ?? EPOCH).toISOString()}</updated>
<author><name>${escape(page.title)}</name></author>
<link rel="self" type="application/atom+xml" href="/status/feed.atom"/>
<link rel="alternate" type="text/html" href="/status"/>
${body}
</feed>
`;
}
