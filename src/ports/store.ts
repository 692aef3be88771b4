// Everything Firebreak keeps, as the flows use it: one repository per record, and transactions
// over them. Declared here, not derived from the SQL implementation (adapters/store/), so a flow
// depends on what it may ask of the store and nothing else.
import type { Incident, NewIncident } from "../domain/incident.js";
import type { Followup, Role } from "../domain/lifecycle.js";
import type { PlaybookRun, StepRun } from "../domain/playbook-run.js";
import type { Playbook } from "../domain/playbook-schema.js";
import type { PostmortemEdits } from "../domain/postmortem.js";
import type { PostmortemMeasurements } from "../domain/measurements.js";
import type { NewPublicUpdate, PublicUpdate, PublicUpdateState } from "../domain/public-update.js";
import type { NewTimelineEntry, TimelineEntry } from "../domain/timeline.js";

// ---- incidents ----

export type IncidentChanges = Partial<
  Pick<
    Incident,
    | "title"
    | "severity"
    | "status"
    | "description"
    | "services"
    | "commander"
    | "channelId"
    | "channelName"
    | "channelCreatedAt"
    | "headerTs"
    | "announcementTs"
    | "slackFailure"
    | "lastUpdateAt"
    | "archivedAt"
    | "resolvedAt"
    | "pagerdutyIncidentId"
    | "pagerdutyIncidentUrl"
    | "pagerdutyServiceId"
  >
>;

export interface IncidentsRepository {
  create(input: NewIncident): Promise<Incident>;
  get(id: number): Promise<Incident | undefined>;
  byChannel(channelId: string): Promise<Incident | undefined>;
  byPagerdutyIncident(pagerdutyId: string): Promise<Incident | undefined>;
  /** The most recently declared open incident for a service declared at or after `since`. */
  openForService(service: string, since: Date): Promise<Incident | undefined>;
  /** The open incident a Datadog monitor's alerts belong to. */
  openForMonitor(monitorId: string): Promise<Incident | undefined>;
  /** The latest incident for a Datadog monitor, open or not (a recovery may come after resolve). */
  latestForMonitor(monitorId: string): Promise<Incident | undefined>;
  list(options?: { open?: boolean; limit?: number }): Promise<Incident[]>;
  /**
   * Applies changes if the incident is still at `expectedVersion` (optimistic concurrency);
   * returns undefined when someone else changed it first.
   */
  update(id: number, expectedVersion: number, changes: IncidentChanges): Promise<Incident | undefined>;
}

// ---- timeline ----

export interface TimelineRepository {
  /**
   * Adds an entry once: an entry with the same sourceKey for the incident is returned instead
   * of a second copy (`created: false`).
   */
  append(entry: NewTimelineEntry): Promise<{ entry: TimelineEntry; created: boolean }>;
  /** Adds several entries in one statement, each once (as append); how many were new. */
  appendAll(entries: NewTimelineEntry[]): Promise<number>;
  findBySourceKey(incidentId: number, sourceKey: string): Promise<TimelineEntry | undefined>;
  /** Whether an entry of one of these kinds happened after `at` (a late event must not undo it). */
  hasLaterEntry(incidentId: number, kinds: string[], at: Date): Promise<boolean>;
  /** Entries in event order, ties broken by the order they were recorded. */
  list(incidentId: number, options?: { includeRemoved?: boolean }): Promise<TimelineEntry[]>;
  get(id: number): Promise<TimelineEntry | undefined>;
  /** A person's correction of an entry's time or text; the change itself is recorded separately. */
  edit(id: number, changes: { text: string; eventAt: Date }, by: string, at: Date): Promise<TimelineEntry | undefined>;
  removeBySourceKey(incidentId: number, sourceKey: string, by: string, at: Date): Promise<TimelineEntry | undefined>;
  restore(id: number): Promise<TimelineEntry | undefined>;
  remove(id: number, by: string, at: Date): Promise<TimelineEntry | undefined>;
}

// ---- inbound deliveries (webhooks) ----

export interface InboundDelivery {
  source: string;
  /** Unique per source: the vendor's delivery id, or a key derived from the event. */
  deliveryId: string;
  body: unknown;
  /** The vendor incident the delivery is about, to find its events without reading every body. */
  subject: string | null;
}

/** The job that processes a delivery; its payload is `{ deliveryId }`. */
export interface DeliveryJob {
  kind: string;
  /** One job per vendor event, however many deliveries carry it. */
  dedupeKey: string;
  /** Recorded already claimed by this worker, to be run at once (NewJob.claimedBy). */
  claimedBy?: { owner: string; leaseMs: number };
}

export interface DeliveriesRepository {
  /** Records an inbound delivery once. `false` means it was seen before: a vendor retry. */
  record(source: string, deliveryId: string, body: unknown): Promise<boolean>;
  /**
   * Records an inbound delivery once and, if it is new, the job that will process it — in one
   * statement, so both or neither are stored, in a single round trip (this is the webhook path).
   * `recorded: false` means the delivery was seen before; `claimed` is the new job when it was
   * recorded claimed (job.claimedBy).
   */
  recordWithJob(delivery: InboundDelivery, job: DeliveryJob, now: Date): Promise<{ recorded: boolean; claimed?: Job }>;
  get(source: string, deliveryId: string): Promise<{ body: unknown; receivedAt: Date } | undefined>;
  /** Whether PagerDuty's incident.triggered for this incident was received and is still waiting to be processed. */
  hasPendingPagerdutyTrigger(pagerdutyIncidentId: string): Promise<boolean>;
  /** Deliveries about this PagerDuty incident other than its trigger (notes carry it as data.incident). */
  pagerdutyFollowUps(pagerdutyIncidentId: string): Promise<string[]>;
  /**
   * Deletes up to `limit` deliveries received before `cutoff`, in one short statement (retention);
   * returns how many. A delivery whose processing job has not finished is kept: the job reads it.
   * Rows another transaction holds are skipped, not waited for.
   */
  deleteReceivedBefore(cutoff: Date, limit: number): Promise<number>;
  count(source?: string): Promise<number>;
}

// ---- durable jobs ----

export const jobStatuses = ["pending", "running", "done", "dead"] as const;

export interface Job {
  id: number;
  kind: string;
  payload: unknown;
  dedupeKey: string | null;
  status: (typeof jobStatuses)[number];
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  lastError: string | null;
}

export interface NewJob {
  kind: string;
  payload?: unknown;
  runAt?: Date;
  /** A job with the same key is not enqueued twice while the first exists. */
  dedupeKey?: string;
  maxAttempts?: number;
  /**
   * Enqueued already claimed by this worker (its first attempt, leased for `leaseMs`), for a job
   * the enqueuing process runs at once (jobs/job-runner.ts `handOff`). If that process dies, the
   * lease runs out and any worker claims it, as for any running job.
   */
  claimedBy?: { owner: string; leaseMs: number };
}

export interface JobsRepository {
  enqueue(job: NewJob, now: Date): Promise<{ job: Job; created: boolean }>;
  /** Enqueues several jobs in one statement, each as enqueue would; every one needs a dedupeKey. Results in the given order. */
  enqueueAll(jobs: (NewJob & { dedupeKey: string })[], now: Date): Promise<{ job: Job; created: boolean }[]>;
  /**
   * Claims up to `limit` jobs for `owner`: first those whose worker's lease ran out, then due
   * ones, oldest first, in time that does not grow with the queue (migration 007).
   */
  claim(options: { owner: string; now: Date; leaseMs: number; limit: number; kinds?: readonly string[] }): Promise<Job[]>;
  /** Marks a claimed job done; false if the lease was lost to another worker. */
  complete(id: number, owner: string, now: Date): Promise<boolean>;
  /** Puts a failed job back for another attempt at `retryAt`, or marks it dead when attempts are used up. */
  fail(id: number, owner: string, error: string, retryAt: Date): Promise<Job | undefined>;
  /** Puts a claimed job back untried until `runAt` (pacing, not failure: the attempt is returned). */
  defer(id: number, owner: string, runAt: Date): Promise<boolean>;
  /** Extends the lease of a job still being worked on; false if the lease was lost. */
  heartbeat(id: number, owner: string, until: Date): Promise<boolean>;
  /**
   * Deletes up to `limit` jobs that finished (done or dead) before `cutoff`, in one short
   * statement (retention); returns how many. Pending and running jobs are never deleted.
   */
  deleteFinishedBefore(cutoff: Date, limit: number): Promise<number>;
  /**
   * Notes in the job's payload that write `key` is being sent (see jobs/write-ledger.ts); an
   * earlier note of the same key keeps its time.
   */
  recordWrite(id: number, key: string, at: Date): Promise<void>;
  /**
   * How many jobs of `kinds` are running or due at `now`. Read from the table, not from a
   * worker's memory, so another replica's work and a job left by a killed process count too.
   */
  busy(now: Date, kinds?: readonly string[]): Promise<number>;
  /**
   * When any job of `kind` first noted sending `key`, or undefined: for a write that several
   * jobs may make (each render of a step may be the one to post its message).
   */
  firstWrite(kind: string, key: string): Promise<Date | undefined>;
  get(id: number): Promise<Job | undefined>;
  list(filter?: { kind?: string; status?: Job["status"] }): Promise<Job[]>;
}

// ---- playbook runs ----

export interface StepRunRecord extends StepRun {
  runId: number;
  slackTs: string | null;
  progress: string | null;
}

export interface RunRecord extends PlaybookRun {
  steps: StepRunRecord[];
}

export interface ClaimedStep {
  runId: number;
  stepRunId: number;
  position: number;
  /** "running" for the step's action, "rolling_back" for its rollback. */
  state: "running" | "rolling_back";
  attempt: number;
}

export interface RunsRepository {
  get(runId: number): Promise<RunRecord | undefined>;
  create(input: { incidentId: number; playbook: Playbook; params: Record<string, unknown>; requestedBy: string }): Promise<RunRecord>;
  forIncident(incidentId: number): Promise<number[]>;
  /** Persists a decided transition; false when the run changed since `before` was read. */
  save(before: RunRecord, after: PlaybookRun): Promise<boolean>;
  /** Claims one step that is ready to run (or to roll back) for `owner`, with a lease. */
  claim(owner: string, now: Date, leaseMs: number): Promise<ClaimedStep | undefined>;
  heartbeat(stepRunId: number, owner: string, until: Date): Promise<boolean>;
  /** Steps whose worker stopped renewing its lease: it died, or lost the database. */
  expiredLeases(now: Date): Promise<{ runId: number; position: number }[]>;
  /** How many steps are ready to run, running or rolling back, in any worker (or none: a dead one's). */
  busy(): Promise<number>;
  setProgress(stepRunId: number, owner: string, progress: string): Promise<void>;
  setSlackTs(stepRunId: number, ts: string): Promise<void>;
}

// ---- roles, follow-ups, and what Firebreak told PagerDuty ----

export type OutboundKind = "acknowledged" | "resolved" | "annotated";

export interface LifecycleRepository {
  setRole(role: Role): Promise<Role | undefined>;
  roles(incidentId: number): Promise<Role[]>;
  addFollowup(input: Omit<Followup, "id" | "issueUrl">): Promise<Followup>;
  followups(incidentId: number): Promise<Followup[]>;
  setFollowupIssue(id: number, issue: { number: number; url: string }): Promise<void>;
  followupIssueNumbers(incidentId: number): Promise<Record<number, number>>;
  /** Notes a change Firebreak is about to send to PagerDuty, so its webhook is recognised. */
  recordOutbound(pagerdutyIncidentId: string, kind: OutboundKind, content: string | null, at: Date): Promise<void>;
  /** True (once) if a webhook for this change is the echo of one Firebreak sent within the last hour. */
  consumeOutbound(pagerdutyIncidentId: string, kind: OutboundKind, content: string | null, now: Date): Promise<boolean>;
}

// ---- follow-ups tracked to done (owner, due day, state read back from GitHub) ----

export interface FollowupStateChange {
  state: "open" | "done";
  at: Date;
  /** The GitHub issue's updated_at, when GitHub said so: an older change than the last applied is ignored. */
  githubUpdatedAt?: Date;
}

export interface FollowupsRepository {
  get(id: number): Promise<Followup | undefined>;
  byIssue(issueNumber: number): Promise<Followup | undefined>;
  /** True when the state changed. */
  setState(id: number, change: FollowupStateChange): Promise<boolean>;
  setOwner(id: number, ownerId: string): Promise<void>;
  /** Up to `limit` open follow-ups with an issue, those checked longest ago first, now marked checked. */
  claimForReconcile(limit: number, now: Date): Promise<Followup[]>;
  /** Open follow-ups with an owner, due before `today` (YYYY-MM-DD). */
  overdue(today: string, limit: number): Promise<Followup[]>;
}

// ---- post-mortems ----

export interface PostmortemState {
  incidentId: number;
  edits: PostmortemEdits;
  previewTs: string | null;
  /** When the preview was first posted, until its ts is stored (see write-ledger.ts). */
  previewSentAt: Date | null;
  branch: string | null;
  prNumber: number | null;
  prUrl: string | null;
  publishedAt: Date | null;
}

export interface PostmortemsRepository {
  get(incidentId: number): Promise<PostmortemState>;
  /** Merges edits (a section set to "" is cleared back to the draft); `replace` starts over. */
  saveEdits(incidentId: number, edits: PostmortemEdits, options?: { replace?: boolean }): Promise<PostmortemState>;
  setPreview(incidentId: number, ts: string): Promise<void>;
  /** Notes, before the call, that the preview is being posted; the first note keeps its time. */
  notePreviewSent(incidentId: number, at: Date): Promise<void>;
  setPublished(incidentId: number, published: { branch: string; prNumber: number; prUrl: string; at: Date }): Promise<void>;
}

// ---- post-mortem measurements (Datadog figures and the chart) ----

/** How far the chart's PNG got on its way to Slack (files.getUploadURLExternal → upload → complete). */
export interface ChartUpload {
  /** Which rendering this is (a hash of the PNG): a changed chart is uploaded again, the same one never. */
  digest: string;
  /** The file id Slack gave, once the bytes were sent to its upload URL. */
  fileId?: string;
  /** ISO time the completion was sent: an answer lost after it is looked for, not sent again. */
  completeSentAt?: string;
  completedAt?: string;
}

export interface MeasurementsRepository {
  get(incidentId: number): Promise<PostmortemMeasurements | undefined>;
  save(incidentId: number, measurements: PostmortemMeasurements, at: Date): Promise<void>;
  chartUpload(incidentId: number): Promise<ChartUpload | undefined>;
  saveChartUpload(incidentId: number, upload: ChartUpload): Promise<void>;
}

// ---- shared rate limits (Slack's per-method tiers, across replicas) ----

export interface SlotRequest {
  bucket: string;
  limit: number;
  windowMs: number;
  now: Date;
}

export interface RateSlotsRepository {
  /** 0 when a slot was reserved; otherwise how many ms until one frees up. One statement: no transaction needed. */
  reserve(request: SlotRequest): Promise<number>;
}

// ---- people's names, for documents read outside Slack ----

export interface PeopleRepository {
  /** The names known for `userIds`; an id nobody has named is absent. */
  names(userIds: readonly string[]): Promise<Record<string, string>>;
  /** Stores a name; a later name for the same person (they renamed themselves) replaces it, first_seen_at stays. */
  remember(userId: string, displayName: string, at: Date): Promise<void>;
}

// ---- catch-ups: when each person last asked what changed ----

export interface CatchupsRepository {
  last(incidentId: number, userId: string): Promise<Date | undefined>;
  /**
   * The database's clock, the one timeline entries' recorded_at is stamped with: a catch-up is
   * timed by it, so "recorded since my last catch-up" compares like with like.
   */
  clock(): Promise<Date>;
  /** Records a catch-up; a later one replaces it, an earlier one (a slower replica's) never does. */
  record(incidentId: number, userId: string, at: Date): Promise<void>;
}

// ---- App Home: who opened it, so a change republishes only their homes ----

export interface HomeViewersRepository {
  /** Records that the person opened App Home at `at` (a later time replaces an earlier one). */
  opened(userId: string, at: Date): Promise<void>;
  /** Who opened it at or after `since`, most recent first, at most `limit`. */
  recent(since: Date, limit: number): Promise<string[]>;
}

// ---- alert groups (Alertmanager, Grafana, generic): one incident per group ----

export interface AlertGroupsRepository {
  /** Serialises work on one group until the transaction ends (every replica, both drivers). */
  lockGroup(source: string, digest: string): Promise<void>;
  /** The group's open incident, if any. */
  openIncident(source: string, digest: string): Promise<Incident | undefined>;
  /** The group's latest incident, open or resolved (a recovery may arrive after a resolve). */
  latestIncident(source: string, digest: string): Promise<Incident | undefined>;
  link(source: string, digest: string, incidentId: number, at: Date): Promise<void>;
  /** Which of these timeline source keys the incident already holds (one query, however many alerts). */
  recordedKeys(incidentId: number, sourceKeys: readonly string[]): Promise<Set<string>>;
  /**
   * Whether another delivery of this group is recorded and still waiting for its job: a resolved
   * notification processed before the firing one that declares must wait for it, not be dropped.
   */
  hasOtherPending(source: string, digest: string, deliveryId: string): Promise<boolean>;
}

// ---- public updates (the status page) and the page's generation ----

export interface PublicUpdatesRepository {
  request(input: NewPublicUpdate): Promise<PublicUpdate>;
  get(id: number): Promise<PublicUpdate | undefined>;
  /**
   * Decides a pending request, once: the row changes only while it is pending (and, to publish or
   * deny, not yet expired at `at`); undefined when someone or something decided it first.
   */
  decide(id: number, decision: { state: Exclude<PublicUpdateState, "pending">; by: string | null; at: Date; reason?: string }): Promise<PublicUpdate | undefined>;
  setMessageTs(id: number, ts: string): Promise<void>;
  forIncident(incidentId: number): Promise<PublicUpdate[]>;
  /**
   * Every published update of the incidents the status page shows: those with a publication since
   * `since` (its history) and those not publicly resolved (current), oldest first.
   */
  publishedForPage(since: Date): Promise<PublicUpdate[]>;
  /** The status page's generation (bumped with every public change) and the feed's stable id. */
  page(): Promise<{ generation: number; feedId: string }>;
  /** Bumps the generation; call in the transaction that changes what the page shows. */
  bumpGeneration(): Promise<number>;
}

// ---- the store ----

// ---- Statuspage sync: the Statuspage incident of each incident, and the public updates applied ----

export interface StatusSyncRepository {
  /** The Statuspage incident linked to `incidentId` (as the sync job names it), if any. */
  linkedIncident(incidentId: string): Promise<string | undefined>;
  /** Links once: the first link recorded wins and is returned. */
  link(incidentId: string, statuspageIncidentId: string, at: Date): Promise<string>;
  isApplied(publicUpdateId: string): Promise<boolean>;
  /** The Statuspage incident updates already accounted for by applied public updates of `incidentId`. */
  claimedUpdateIds(incidentId: string): Promise<string[]>;
  /** Records a public update as applied (once; a second record changes nothing). */
  recordApplied(entry: { publicUpdateId: string; incidentId: string; statuspageUpdateId: string | undefined; at: Date }): Promise<void>;
}

export interface Repositories {
  incidents: IncidentsRepository;
  timeline: TimelineRepository;
  deliveries: DeliveriesRepository;
  jobs: JobsRepository;
  runs: RunsRepository;
  lifecycle: LifecycleRepository;
  postmortems: PostmortemsRepository;
  rateSlots: RateSlotsRepository;
  people: PeopleRepository;
  catchups: CatchupsRepository;
  homeViewers: HomeViewersRepository;
  alertGroups: AlertGroupsRepository;
  statusSync: StatusSyncRepository;
  followups: FollowupsRepository;
  measurements: MeasurementsRepository;
  publicUpdates: PublicUpdatesRepository;
  /**
   * Runs `fn` once the transaction these repositories are bound to has committed, never after a
   * rollback; outside a transaction, at once (each statement has committed). For in-process
   * work that must not start before the rows it reads are visible (a job handed to the runner).
   */
  afterCommit(fn: () => void): void;
}

export interface Store extends Repositories {
  /** Runs fn with repositories bound to one transaction. */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Why the store cannot serve requests, or undefined when it can. */
  unreadyReason(): Promise<string | undefined>;
  close(): Promise<void>;
}

