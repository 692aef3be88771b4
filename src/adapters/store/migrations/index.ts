import * as initial from "./001-initial.js";
import * as incidentChannel from "./002-incident-channel.js";
import * as playbookRuns from "./003-playbook-runs.js";
import * as lifecycle from "./004-lifecycle.js";
import * as postmortems from "./005-postmortems.js";
import * as rateSlots from "./006-rate-slots.js";
import * as queueIndexes from "./007-queue-indexes.js";
import * as approvalEligibility from "./008-approval-eligibility.js";
import * as retentionIndexes from "./009-retention-indexes.js";
import * as previewSent from "./010-preview-sent.js";
import * as people from "./011-people.js";
import * as catchups from "./012-catchups.js";
import * as alertGroups from "./013-alert-groups.js";
import * as publicUpdates from "./014-public-updates.js";
import * as statuspageSync from "./015-statuspage-sync.js";
import * as homeViewers from "./016-home-viewers.js";
import * as privateIncidents from "./017-private-incidents.js";
import * as followupTracking from "./018-followup-tracking.js";
import * as postmortemMeasurements from "./019-postmortem-measurements.js";
import * as rateBuckets from "./020-rate-buckets.js";

export interface Migration {
  version: number;
  name: string;
  up: string;
}

/** Applied in order; never edit one that has shipped, add the next. */
export const migrations: readonly Migration[] = [
  { version: 1, name: "initial", up: initial.up },
  { version: 2, name: "incident-channel", up: incidentChannel.up },
  { version: 3, name: "playbook-runs", up: playbookRuns.up },
  { version: 4, name: "lifecycle", up: lifecycle.up },
  { version: 5, name: "postmortems", up: postmortems.up },
  { version: 6, name: "rate-slots", up: rateSlots.up },
  { version: 7, name: "queue-indexes", up: queueIndexes.up },
  { version: 8, name: "approval-eligibility", up: approvalEligibility.up },
  { version: 9, name: "retention-indexes", up: retentionIndexes.up },
  { version: 10, name: "preview-sent", up: previewSent.up },
  { version: 11, name: "people", up: people.up },
  { version: 12, name: "catchups", up: catchups.up },
  { version: 13, name: "alert-groups", up: alertGroups.up },
  { version: 14, name: "public-updates", up: publicUpdates.up },
  { version: 15, name: "statuspage-sync", up: statuspageSync.up },
  { version: 16, name: "home-viewers", up: homeViewers.up },
  { version: 17, name: "private-incidents", up: privateIncidents.up },
  { version: 18, name: "followup-tracking", up: followupTracking.up },
  { version: 19, name: "postmortem-measurements", up: postmortemMeasurements.up },
  { version: 20, name: "rate-buckets", up: rateBuckets.up },
];

export const latestVersion = migrations[migrations.length - 1]!.version;
