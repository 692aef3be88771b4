// What a step would do, as its action's dry run describes it: shown for approval before anything
// runs, and kept with the run so the record says what was approved.

export interface ActionPlan {
  summary: string;
  /**
   * The one statement or object change that matters, shown in the step's message (the details go
   * to a thread reply): `REINDEX INDEX CONCURRENTLY public.orders_created_at_idx`, `scale
   * deployment/api 3→0`. Absent for a step that only reads.
   */
  change?: string;
  details: { kind: "sql" | "kubernetes" | "http" | "text"; text: string }[];
  risk: {
    irreversible: boolean;
    /** The action only reads (a query, a metric, a rollout's status): nothing to undo. */
    readOnly?: boolean;
    blastRadius?: { unit: string; count: number };
  };
  /** set when the action would do nothing, with why */
  noop?: string;
}

/** What running a step does to the systems it touches: what its label says and its approval rules follow. */
export type StepEffect = "read-only" | "reversible" | "irreversible";

/**
 * The action's own account wins where it knows: a read-only action needs no undo, and an action
 * that says its change cannot be undone is irreversible whatever the playbook declares. Between
 * the two, the playbook's `reversible: true` (a rollback exists) decides; without it a change is
 * treated as irreversible.
 */
export function stepEffect(declaredReversible: boolean, plan: ActionPlan | null | undefined): StepEffect {
  if (plan?.risk.readOnly) return "read-only";
  if (plan?.risk.irreversible) return "irreversible";
  return declaredReversible ? "reversible" : "irreversible";
}
