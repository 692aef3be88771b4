// firebreak.yaml's `status_page.components[]` (id, name, services, statuspage_id) as the sync job
// needs it: our component key → its Statuspage component id. Read structurally, so this file does
// not depend on the rest of the status page's schema; a component without statuspage_id is not
// on Statuspage.
import { z } from "zod";

const statusPageSection = z.object({
  status_page: z.object({ components: z.array(z.object({ id: z.string(), statuspage_id: z.string().optional() })).optional() }).optional(),
});

export function statuspageComponentIds(file: unknown): Record<string, string> {
  const parsed = statusPageSection.safeParse(file);
  if (!parsed.success) return {};
  return Object.fromEntries((parsed.data.status_page?.components ?? []).flatMap((c) => (c.statuspage_id ? [[c.id, c.statuspage_id]] : [])));
}
