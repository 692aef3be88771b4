// What a team expects of a response, per severity, against which the post-mortem's suggested
// "went well" and "went poorly" items are judged (firebreak.yaml `postmortem_norms`).
import { severities, type Severity } from "./incident.js";

export interface PostmortemNorms {
  /** Minutes from the start of trouble (when someone marked it) to detection. */
  detectMinutes: Record<Severity, number>;
  /** Minutes from detection to the cause being identified. */
  identifyMinutes: Record<Severity, number>;
  /** Minutes from detection to mitigation. */
  mitigateMinutes: Record<Severity, number>;
  /** An approval answered later than this many minutes after it was asked for is one that waited. */
  approvalWaitMinutes: number;
}

export const defaultPostmortemNorms: PostmortemNorms = {
  detectMinutes: { SEV1: 10, SEV2: 15, SEV3: 60, SEV4: 240 },
  identifyMinutes: { SEV1: 30, SEV2: 60, SEV3: 240, SEV4: 1440 },
  mitigateMinutes: { SEV1: 60, SEV2: 120, SEV3: 480, SEV4: 2880 },
  // A risky step waiting on a person is an outage that goes on; five minutes is long in a SEV1.
  approvalWaitMinutes: 5,
};

/** firebreak.yaml's `postmortem_norms`, over the defaults. */
export function postmortemNorms(configured?: {
  detect_minutes?: Partial<Record<Severity, number>> | undefined;
  identify_minutes?: Partial<Record<Severity, number>> | undefined;
  mitigate_minutes?: Partial<Record<Severity, number>> | undefined;
  approval_wait_minutes?: number | undefined;
}): PostmortemNorms {
  const d = defaultPostmortemNorms;
  return {
    detectMinutes: { ...d.detectMinutes, ...configured?.detect_minutes },
    identifyMinutes: { ...d.identifyMinutes, ...configured?.identify_minutes },
    mitigateMinutes: { ...d.mitigateMinutes, ...configured?.mitigate_minutes },
    approvalWaitMinutes: configured?.approval_wait_minutes ?? d.approvalWaitMinutes,
  };
}

/** The most severe of `current` and every severity the incident passed through. */
export function highestSeverity(current: Severity, seen: readonly unknown[]): Severity {
  const all = [current, ...seen.filter((s): s is Severity => severities.includes(s as Severity))];
  return all.reduce((a, b) => (severities.indexOf(b) < severities.indexOf(a) ? b : a));
}
