// The status page is hammered exactly when things are worst, so it is rendered once per change,
// not per request. Every replica keeps the rendered bytes and their ETags in memory and asks the
// database for the page's generation (bumped in the transaction of every public change) at most
// once per `recheckMs`: a page is at most that stale, and between re-checks a request costs no
// query at all.
import { createHash } from "node:crypto";
import { buildStatusPage, HISTORY_DAYS } from "../../domain/status-page.js";
import type { StatusPageConfig } from "../../kernel/config-file.js";
import type { Store } from "../../ports/store.js";
import { statusPageAtom } from "../../views/status/status-atom.js";
import { statusPageHtml } from "../../views/status/status-html.js";
import { statusPageJson } from "../../views/status/status-json.js";

export type StatusFormat = "html" | "json" | "atom";

export interface RenderedPage {
  body: Buffer;
  etag: string;
  contentType: string;
}

export interface StatusPageCache {
  /** The page as last rendered, re-checked against the database when `recheckMs` has passed; undefined until the database is open. */
  get(format: StatusFormat): Promise<RenderedPage | undefined>;
}

export interface StatusPageCacheDeps {
  store: () => Pick<Store, "publicUpdates"> | undefined;
  now: () => Date;
  timezone: string;
  config: StatusPageConfig | undefined;
  /** How stale a replica's page may be (default 5 s). */
  recheckMs?: number;
}

/** A rendering is redone this often even without a change, so the 90-day history window moves on. */
const RERENDER_MS = 60 * 60_000;

interface Snapshot {
  generation: number;
  checkedAt: number;
  renderedAt: number;
  pages: Record<StatusFormat, RenderedPage>;
}

export function createStatusPageCache(deps: StatusPageCacheDeps): StatusPageCache {
  const recheckMs = deps.recheckMs ?? 5_000;
  let snapshot: Snapshot | undefined;
  let refreshing: Promise<Snapshot | undefined> | undefined;

  async function refresh(): Promise<Snapshot | undefined> {
    const store = deps.store();
    if (!store) return snapshot;
    const now = deps.now();
    const { generation, feedId } = await store.publicUpdates.page();
    if (snapshot && snapshot.generation === generation && now.getTime() - snapshot.renderedAt < RERENDER_MS) {
      snapshot = { ...snapshot, checkedAt: now.getTime() };
      return snapshot;
    }
    const published = await store.publicUpdates.publishedForPage(new Date(now.getTime() - HISTORY_DAYS * 86_400_000));
    const page = buildStatusPage({ title: deps.config?.title ?? "Status", components: deps.config?.components ?? [], published, feedId, generation, now });
    const render = (text: string, contentType: string): RenderedPage => {
      const body = Buffer.from(text, "utf8");
      return { body, contentType, etag: `"${generation}-${createHash("sha256").update(body).digest("base64url").slice(0, 16)}"` };
    };
    snapshot = {
      generation,
      checkedAt: now.getTime(),
      renderedAt: now.getTime(),
      pages: {
        html: render(statusPageHtml(page, deps.timezone), "text/html; charset=utf-8"),
        json: render(statusPageJson(page, deps.timezone), "application/json; charset=utf-8"),
        atom: render(statusPageAtom(page, deps.timezone), "application/atom+xml; charset=utf-8"),
      },
    };
    return snapshot;
  }

  return {
    async get(format) {
      const fresh = snapshot && deps.now().getTime() - snapshot.checkedAt < recheckMs;
      if (!fresh) {
        // One re-check at a time, however many requests arrive while it runs.
        refreshing ??= refresh().finally(() => (refreshing = undefined));
        try {
          await refreshing;
        } catch (error) {
          // The database is unreachable: the last page rendered is better than none.
          if (!snapshot) throw error;
        }
      }
      return snapshot?.pages[format];
    },
  };
}
