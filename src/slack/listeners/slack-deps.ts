import type { IncidentDeps } from "../../incidents/deps.js";

/** Listeners get the incident flows once the database is open; undefined until then. */
export type ListenerDeps = () => IncidentDeps | undefined;

export const DATABASE_UNAVAILABLE = "Firebreak can't reach its database right now, so nothing was recorded. Try again in a minute; if it persists, check `/readyz` on the Firebreak server.";
