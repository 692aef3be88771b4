import type { PostmortemDeps } from "../../postmortem/postmortem-flows.js";
import type { EngineDeps } from "../../playbooks/engine/engine-deps.js";

export interface AppDeps extends PostmortemDeps {
  engine: EngineDeps;
}

/** Listeners get the flows once the database is open; undefined until then. */
export type ListenerDeps = () => AppDeps | undefined;

export const DATABASE_UNAVAILABLE = "Firebreak can't reach its database right now, so nothing was recorded. Try again in a minute; if it persists, check `/readyz` on the Firebreak server.";
