// What a step would do, as its action's dry run describes it: shown for approval before anything
// runs, and kept with the run so the record says what was approved.

export interface ActionPlan {
  summary: string;
  details: { kind: "sql" | "kubernetes" | "http" | "text"; text: string }[];
  risk: { irreversible: boolean; blastRadius?: { unit: string; count: number } };
  /** set when the action would do nothing, with why */
  noop?: string;
}
