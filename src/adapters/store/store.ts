// The store: every record Firebreak keeps, behind one interface, over either driver.
import { createAlertGroupsStore } from "./alert-groups-store.js";
import { createDeliveriesStore } from "./deliveries-store.js";
import { createIncidentsStore } from "./incidents-store.js";
import { createJobsStore } from "./jobs-store.js";
import { createLifecycleStore } from "./lifecycle-store.js";
import { isMigrated } from "./migrate.js";
import { createPostmortemsStore } from "./postmortems-store.js";
import { createRateSlotsStore } from "./rate-slots-store.js";
import { createRunsStore } from "./runs-store.js";
import type { Sql, SqlExecutor } from "./sql.js";
import { createTimelineStore } from "./timeline-store.js";

function createRepositories(sql: SqlExecutor) {
  return {
    incidents: createIncidentsStore(sql),
    timeline: createTimelineStore(sql),
    deliveries: createDeliveriesStore(sql),
    jobs: createJobsStore(sql),
    runs: createRunsStore(sql),
    lifecycle: createLifecycleStore(sql),
    postmortems: createPostmortemsStore(sql),
    rateSlots: createRateSlotsStore(sql),
    alertGroups: createAlertGroupsStore(sql),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;

export interface Store extends Repositories {
  readonly driver: Sql["driver"];
  readonly sql: Sql;
  /** Runs fn with repositories bound to one transaction. */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Why the store cannot serve requests, or undefined when it can. */
  unreadyReason(): Promise<string | undefined>;
  close(): Promise<void>;
}

export function createStore(sql: Sql): Store {
  return {
    ...createRepositories(sql),
    driver: sql.driver,
    sql,
    transaction: (fn) => sql.transaction((tx) => fn(createRepositories(tx))),
    async unreadyReason() {
      try {
        return (await isMigrated(sql)) ? undefined : "database schema is not migrated yet";
      } catch (error) {
        return `database unreachable: ${error instanceof Error ? error.message : String(error)}`;
      }
    },
    close: () => sql.close(),
  };
}
