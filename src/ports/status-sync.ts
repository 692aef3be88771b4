// The public status page Firebreak mirrors approved public updates to (Atlassian Statuspage):
// one incident there per Firebreak incident, and each public update applied once, in order.
// Flows see incidents and their updates, never the vendor's request shapes.

export const PUBLIC_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];

export const COMPONENT_STATUSES = ["operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export interface StatusIncidentUpdate {
  id: string;
  status: string;
  body: string;
  createdAt: Date;
}

export interface StatusIncident {
  id: string;
  name: string;
  status: string;
  /** The Firebreak incident this one mirrors, from the marker Firebreak attached when creating it. */
  firebreakIncidentId: string | undefined;
  /** Oldest first. */
  updates: StatusIncidentUpdate[];
}

export interface StatusChange {
  status: PublicStatus;
  body: string;
  /** Status page component id → its new status. */
  components: Record<string, ComponentStatus>;
}

export interface StatusSyncPort {
  /** The incidents that carry Firebreak's marker for `firebreakIncidentId`, searched by `name` too. */
  findIncidents(firebreakIncidentId: string, name: string): Promise<StatusIncident[]>;
  getIncident(id: string): Promise<StatusIncident | undefined>;
  /** Creates the incident; `change.body` becomes its first update. */
  createIncident(input: StatusChange & { name: string; firebreakIncidentId: string }): Promise<StatusIncident>;
  /** Adds an update (status, body, component statuses) to an existing incident. */
  updateIncident(id: string, change: StatusChange): Promise<StatusIncident>;
}
