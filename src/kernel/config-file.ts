// firebreak.yaml: structured settings that do not fit in environment variables.
// The schema is strict so a misspelt key is reported instead of silently ignored.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { formatSourceProblem, parseYamlSource, problemsFromZod } from "./yaml-source.js";

const name = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "use lowercase letters, digits, dots, dashes or underscores");
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day such as "09:00"');
const weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

// A Datadog metrics query and what its numbers are, e.g. "failed requests".
const metricQuerySchema = z.object({ query: z.string().trim().min(1).max(1000), label: z.string().trim().min(1).max(80) }).strict();

const serviceSchema = z
  .object({
    /** Pages for this service attach to its open incident if it was declared within this many minutes. */
    group_within_minutes: z.number().int().positive().optional(),
    /** PagerDuty escalation policy whose on-call responders are invited. */
    escalation_policy: z.string().optional(),
    /** This service's own targets: what a playbook's target params start with for its incidents. */
    targets: z.object({ postgres: name.optional(), kubernetes: name.optional(), traffic: name.optional() }).strict().optional(),
    /** How documents name the service ("Orders API" for orders-api); the key otherwise. */
    display_name: z.string().min(1).optional(),
    /** Its incidents are private (security, HR): a private channel, no announcement. */
    private: z.boolean().optional(),
    /** Datadog queries whose sum over the incident window is the measured impact (post-mortem Impact). */
    impact: z.array(metricQuerySchema).optional(),
    /** The metric the post-mortem charts; the first impact query otherwise. */
    chart: metricQuerySchema.optional(),
  })
  .strict();

/**
 * Who may approve for `approval: { group: <name> }`: a Slack user group, listed users, the
 * incident's responders (`responders: true`: those invited when its channel opened and its role
 * holders), or any mix. `oncall` is `{ responders: true }` unless defined here.
 */
const approverGroupSchema = z
  .object({
    usergroup: z.string().regex(/^S[A-Z0-9]+$/, "must be a Slack user group ID such as S0123ABCD").optional(),
    users: z.array(z.string().regex(/^[UW][A-Z0-9]+$/, "must be a Slack user ID such as U0123ABCD")).optional(),
    responders: z.boolean().optional(),
  })
  .strict()
  .refine((g) => g.usergroup || g.users?.length || g.responders, { error: "list a usergroup, users, responders: true, or a mix" });

/**
 * Who may do one thing in an incident: `anyone` (in its channel), `commander` (the incident
 * commander now), a role holder (`{ role: scribe }`, set with `/incident role`), or members of
 * an approver group (`{ group: <name> }`).
 */
const principalSchema = z.union([
  z.enum(["anyone", "commander"]),
  z.object({ role: z.string().regex(/^[a-z][a-z0-9_-]{0,29}$/, "a role name as `/incident role` takes it, e.g. scribe") }).strict(),
  z.object({ group: name }).strict(),
]);
export type Principal = z.infer<typeof principalSchema>;

// As incident tools usually have it: anyone in the channel may run the incident (a change of
// command by someone else is announced and can be reverted); corrections to the record are for
// the commander and the scribe.
export const defaultPermissions = {
  commander: ["anyone"],
  severity: ["anyone"],
  status: ["anyone"],
  resolve: ["anyone"],
  playbooks: ["anyone"],
  timeline: ["commander", { role: "scribe" }],
} as const satisfies Record<string, Principal[]>;

const who = (fallback: readonly Principal[]) => z.array(principalSchema).min(1).default([...fallback]);
const permissionsSchema = z
  .object({
    /** Take command or hand it to someone else (the commander may always hand over). */
    commander: who(defaultPermissions.commander),
    severity: who(defaultPermissions.severity),
    status: who(defaultPermissions.status),
    resolve: who(defaultPermissions.resolve),
    /** Start a playbook run. */
    playbooks: who(defaultPermissions.playbooks),
    /** Correct or remove timeline entries. */
    timeline: who(defaultPermissions.timeline),
  })
  .strict();
export type Permissions = z.infer<typeof permissionsSchema>;
export type PermissionKey = keyof Permissions;

const peakHoursSchema = z
  .object({
    /** IANA time zone of the windows (default FIREBREAK_TIMEZONE). */
    timezone: z.string().optional(),
    windows: z.array(z.object({ days: z.array(z.enum(weekdays)).min(1), from: clock, to: clock }).strict()).min(1),
  })
  .strict();

const kubernetesTarget = z
  .object({
    /** Path to a kubeconfig file (default: the standard locations, or in-cluster). */
    kubeconfig: z.string().optional(),
    context: z.string().optional(),
  })
  .strict();

/** A database's connection URL is read from the environment variable named here, never written in the file. */
const postgresTarget = z.object({ url_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "must be an environment variable name") }).strict();

const trafficTarget = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("gateway"),
      /** Kubernetes target the HTTPRoute lives in. */
      cluster: name,
      namespace: z.string(),
      route: z.string(),
    })
    .strict(),
  z
    .object({
      kind: z.literal("http"),
      /** The traffic manager's endpoint; its host must be in allowed_hosts. */
      url: z.url({ protocol: /^https?$/ }),
      method: z.enum(["POST", "PUT", "PATCH"]).default("POST"),
      allowed_hosts: z.array(z.string()).min(1),
      /** Environment variable holding a bearer token, if the endpoint needs one. */
      token_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
    })
    .strict(),
]);

const severity = z.enum(["SEV1", "SEV2", "SEV3", "SEV4"]);
const headerName = z.string().regex(/^[A-Za-z0-9-]{1,100}$/, "must be an HTTP header name");

/** How an alert group's labels become an incident (Alertmanager and Grafana). */
const alertLabelsSchema = {
  /** The label naming the affected service. */
  service_label: z.string().min(1).default("service"),
  /** The label whose value severity_map translates. */
  severity_label: z.string().min(1).default("severity"),
  /** Label value → severity; the most severe of a group's firing alerts wins. */
  severity_map: z.record(z.string(), severity).default({ critical: "SEV2", error: "SEV3", warning: "SEV3", info: "SEV4" }),
  /** For alerts whose label is missing or not in severity_map. */
  default_severity: severity.default("SEV3"),
  /** When every alert of a group has resolved, also suggest `/incident resolve` in the channel. */
  resolve_suggestion: z.boolean().default(false),
};
const alertmanagerSourceSchema = z.object(alertLabelsSchema).strict();
const grafanaSourceSchema = z
  .object({
    ...alertLabelsSchema,
    /** The contact point's HMAC signature header. */
    signature_header: headerName.default("X-Grafana-Alerting-Signature"),
    /** The contact point's HMAC timestamp header, if it sets one (Grafana has no default). */
    timestamp_header: headerName.optional(),
  })
  .strict();
const genericSourceSchema = z.object({ resolve_suggestion: z.boolean().default(false) }).strict();

/** The public status page (README "Status page"): its title and components, mapped from services. */
const statusPageSchema = z
  .object({
    title: z.string().min(1).max(200).default("Status"),
    components: z
      .array(
        z
          .object({
            /** Stable key: public updates and the Statuspage sync name components by it. */
            id: name,
            name: z.string().min(1).max(200),
            /** Incident services that map to this component (offered first in a public update). */
            services: z.array(z.string()).default([]),
            /** The Atlassian Statuspage component this one is synced to. */
            statuspage_id: z.string().min(1).optional(),
          })
          .strict(),
      )
      .default([])
      .refine((list) => new Set(list.map((c) => c.id)).size === list.length, { error: "component ids must be unique" }),
  })
  .strict();
export type StatusPageConfig = z.infer<typeof statusPageSchema>;

export const configFileSchema = z
  .object({
    services: z.record(z.string(), serviceSchema).default({}),
    /**
     * The incident call's link, bookmarked in each incident channel, e.g.
     * `https://meet.example.com/{incident_id}`; placeholders: {incident_id} (inc-42),
     * {incident_number} (42), {channel_name}.
     */
    call_url: z
      .string()
      .regex(/^https?:\/\/\S+$/, "must be an http(s) link, e.g. https://meet.example.com/{incident_id}")
      .refine((t) => [...t.matchAll(/\{(\w+)\}/g)].every((m) => ["incident_id", "incident_number", "channel_name"].includes(m[1]!)), "may use only {incident_id}, {incident_number} and {channel_name}")
      .optional(),
    /** The post-mortem template (default: templates/postmortem.md shipped with Firebreak). */
    postmortem_template: z.string().optional(),
    /** Directories of playbooks to load (default: the playbooks shipped with Firebreak). */
    playbook_dirs: z.array(z.string()).optional(),
    approver_groups: z.record(name, approverGroupSchema).default({}),
    /** The status page; public updates need the `comms` approver group when it is defined. */
    status_page: statusPageSchema.optional(),
    lifecycle: z
      .object({
        /** Nudge the commander after this many minutes without a status update, per severity. */
        update_every_minutes: z.object({ SEV1: z.number().int().positive(), SEV2: z.number().int().positive(), SEV3: z.number().int().positive(), SEV4: z.number().int().positive() }).partial().strict().default({}),
        /** Archive a resolved incident's channel this long after it was resolved. */
        archive_after_minutes: z.number().int().positive().default(1440),
      })
      .strict()
      .default({ update_every_minutes: {}, archive_after_minutes: 1440 }),
    /**
     * What the post-mortem's suggested "went well / poorly" items are judged against (README
     * "Post-mortems"): minutes to detect, identify and mitigate per severity, and how long an approval
     * may wait before it counts as one that waited. Unset values keep the defaults.
     */
    postmortem_norms: z
      .object({
        detect_minutes: z.object({ SEV1: z.number().int().positive(), SEV2: z.number().int().positive(), SEV3: z.number().int().positive(), SEV4: z.number().int().positive() }).partial().strict().optional(),
        identify_minutes: z.object({ SEV1: z.number().int().positive(), SEV2: z.number().int().positive(), SEV3: z.number().int().positive(), SEV4: z.number().int().positive() }).partial().strict().optional(),
        mitigate_minutes: z.object({ SEV1: z.number().int().positive(), SEV2: z.number().int().positive(), SEV3: z.number().int().positive(), SEV4: z.number().int().positive() }).partial().strict().optional(),
        approval_wait_minutes: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    /** Who may do what in an incident; see README "Permissions". */
    permissions: permissionsSchema.default(permissionsSchema.parse({})),
    /**
     * Days to keep inbound deliveries and finished jobs (incidents, timelines, runs and
     * post-mortems are kept forever). At least 3: PagerDuty retries a delivery for up to 48 hours,
     * and one forgotten sooner would be processed twice.
     */
    retention_days: z.number().int().min(3, { error: "must be at least 3: PagerDuty retries a delivery for up to 48 hours" }).default(30),
    /**
     * People by Slack user id: their GitHub login, so a follow-up's issue is assigned to its owner
     * (and an assignment made on GitHub is read back as the follow-up's owner).
     */
    people: z
      .record(z.string().regex(/^[UW][A-Z0-9]+$/, "must be a Slack user ID such as U0123ABCD"), z.object({ github: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "must be a GitHub login") }).strict())
      .default({}),
    /** Risky steps need one more approval inside these windows. */
    peak_hours: peakHoursSchema.optional(),
    /** Per-action limits on what one step may touch, e.g. `kubernetes.rollout_restart: 50` (pods). */
    blast_radius: z.record(z.string(), z.number().int().positive()).default({}),
    /** Alert sources other than PagerDuty and Datadog; see README "Alertmanager, Grafana and generic webhooks". */
    sources: z
      .object({
        alertmanager: alertmanagerSourceSchema.default(alertmanagerSourceSchema.parse({})),
        grafana: grafanaSourceSchema.default(grafanaSourceSchema.parse({})),
        generic: genericSourceSchema.default(genericSourceSchema.parse({})),
      })
      .strict()
      .default({ alertmanager: alertmanagerSourceSchema.parse({}), grafana: grafanaSourceSchema.parse({}), generic: genericSourceSchema.parse({}) }),
    targets: z
      .object({
        kubernetes: z.record(name, kubernetesTarget).default({}),
        postgres: z.record(name, postgresTarget).default({}),
        traffic: z.record(name, trafficTarget).default({}),
      })
      .strict()
      .default({ kubernetes: {}, postgres: {}, traffic: {} }),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;
export type AlertSourcesConfig = ConfigFile["sources"];
export type Weekday = (typeof weekdays)[number];

export function loadConfigFile(path: string | undefined, readFile: (p: string) => string = (p) => readFileSync(p, "utf8")): ConfigFile {
  if (path === undefined) return configFileSchema.parse({});
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new Error(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); fix the path or unset FIREBREAK_CONFIG`);
  }
  const source = parseYamlSource(text, path);
  if (source.syntaxErrors.length > 0) throw new Error(source.syntaxErrors.map(formatSourceProblem).join("\n    "));
  const result = configFileSchema.safeParse(source.value ?? {});
  if (!result.success) throw new Error(problemsFromZod(source, result.error).map(formatSourceProblem).join("\n    "));
  return result.data;
}
