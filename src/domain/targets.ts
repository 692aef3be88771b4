// The systems playbook steps act on, by the names firebreak.yaml gives them under `targets`. A
// playbook param of type `target` names one; the params form offers those configured, starting
// from the incident's service's own target when firebreak.yaml maps one.

export const targetKinds = ["postgres", "kubernetes", "traffic"] as const;
export type TargetKind = (typeof targetKinds)[number];

/** What a target may be called in firebreak.yaml. */
export const targetNamePattern = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** The configured targets' names, by kind. */
export type TargetNames = Record<TargetKind, readonly string[]>;

/** A service's own targets (firebreak.yaml `services.<name>.targets`). */
export type ServiceTargets = Partial<Record<TargetKind, string>>;

export function targetNames(targets: Record<TargetKind, Record<string, unknown>>): TargetNames {
  return { postgres: Object.keys(targets.postgres).sort(), kubernetes: Object.keys(targets.kubernetes).sort(), traffic: Object.keys(targets.traffic).sort() };
}

/**
 * The target a param starts with: the playbook's default, else the incident's service's target of
 * that kind, else the only one configured; undefined when a person must choose.
 */
export function initialTarget(kind: TargetKind, fallback: string | undefined, names: TargetNames, service: ServiceTargets | undefined): string | undefined {
  const configured = names[kind];
  for (const candidate of [fallback, service?.[kind]]) if (candidate !== undefined && configured.includes(candidate)) return candidate;
  return configured.length === 1 ? configured[0] : undefined;
}

/** Why `value` is not a configured target of `kind`, or undefined when it is. */
export function unknownTarget(kind: TargetKind, value: string, names: TargetNames): string | undefined {
  if (names[kind].includes(value)) return undefined;
  const known = names[kind].length > 0 ? `choose one of ${names[kind].join(", ")}` : `none is configured: add one under targets.${kind} in firebreak.yaml`;
  return `“${value}” is not a ${kind} target in firebreak.yaml; ${known}.`;
}
