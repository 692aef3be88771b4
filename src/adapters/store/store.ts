// The store: every record Firebreak keeps, behind one interface, over either driver.
import { createCatchupsStore } from "./catchups-store.js";
import { createHomeViewersStore } from "./home-viewers-store.js";
import { createAlertGroupsStore } from "./alert-groups-store.js";
import { createDeliveriesStore } from "./deliveries-store.js";
import { createFollowupsStore } from "./followups-store.js";
import { createIncidentsStore } from "./incidents-store.js";
import { createJobsStore } from "./jobs-store.js";
import { createLifecycleStore } from "./lifecycle-store.js";
import { createMeasurementsStore } from "./measurements-store.js";
import { isMigrated } from "./migrate.js";
import { createPeopleStore } from "./people-store.js";
import { createPostmortemsStore } from "./postmortems-store.js";
import { createPublicUpdatesStore } from "./public-updates-store.js";
import { createRateSlotsStore } from "./rate-slots-store.js";
import { createRunsStore } from "./runs-store.js";
import { createStatusSyncStore } from "./status-sync-store.js";
import type { Repositories, Store } from "../../ports/store.js";
import type { Sql, SqlExecutor } from "./sql.js";
import { createTimelineStore } from "./timeline-store.js";

function createRepositories(sql: SqlExecutor, afterCommit: Repositories["afterCommit"]): Repositories {
  return {
    afterCommit,
    incidents: createIncidentsStore(sql),
    timeline: createTimelineStore(sql),
    deliveries: createDeliveriesStore(sql),
    jobs: createJobsStore(sql),
    runs: createRunsStore(sql),
    lifecycle: createLifecycleStore(sql),
    postmortems: createPostmortemsStore(sql),
    rateSlots: createRateSlotsStore(sql),
    people: createPeopleStore(sql),
    catchups: createCatchupsStore(sql),
    homeViewers: createHomeViewersStore(sql),
    alertGroups: createAlertGroupsStore(sql),
    statusSync: createStatusSyncStore(sql),
    followups: createFollowupsStore(sql),
    measurements: createMeasurementsStore(sql),
    publicUpdates: createPublicUpdatesStore(sql),
  };
}

/** The store over SQL: the port, plus the driver and connection that set-up, tools and tests use. */
export interface SqlStore extends Store {
  readonly driver: Sql["driver"];
  readonly sql: Sql;
}

export function createStore(sql: Sql): SqlStore {
  return {
    ...createRepositories(sql, (fn) => fn()),
    driver: sql.driver,
    sql,
    async transaction(fn) {
      const committed: (() => void)[] = [];
      const result = await sql.transaction((tx) => fn(createRepositories(tx, (then) => void committed.push(then))));
      for (const then of committed) then();
      return result;
    },
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
