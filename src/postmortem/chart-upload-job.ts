// The chart's PNG in the preview's thread, through Slack's external upload flow, from a durable
// job. Each step is recorded per incident before the next (the file id once the bytes are up,
// the time the completion was sent, then that it completed), so a job re-run, a second job or a
// retry after a lost answer uploads a given chart once: Slack completes an upload only once
// ("This method can only be called once", https://docs.slack.dev/reference/methods/files.completeUploadExternal),
// so a completion that may have gone through is looked for in the thread before it is sent again.
import { createHash } from "node:crypto";
import { z } from "zod";
import { humanId } from "../domain/incident.js";
import type { JobContext } from "../jobs/job-runner.js";
import { validateWith } from "../kernel/parse-json.js";
import type { ChatFilesPort } from "../ports/chat-files.js";
import type { ChartUpload } from "../ports/store.js";
import { VendorError } from "../ports/vendor-error.js";
import { chartPng } from "../views/postmortem/chart-png.js";
import { recordChart, windowText } from "../views/postmortem/postmortem-chart.js";
import { postmortemRecord, recordSources, type PostmortemDeps } from "./postmortem-flows.js";

export const CHART_UPLOAD_JOB = "postmortem.chart-upload";

const payloadSchema = z.object({ incidentId: z.number().int() });

/** Queues the upload of this chart (its SVG names it): once per chart, however often the preview is shown. */
export async function enqueueChartUpload(deps: Pick<PostmortemDeps, "store" | "now" | "nudge">, incidentId: number, svg: string): Promise<void> {
  const chart = createHash("sha256").update(svg).digest("hex").slice(0, 32);
  await deps.store.jobs.enqueue({ kind: CHART_UPLOAD_JOB, payload: { incidentId }, dedupeKey: `${CHART_UPLOAD_JOB}:${incidentId}:${chart}` }, deps.now());
  deps.nudge();
}

export function chartUploadJob(deps: PostmortemDeps, files: ChatFilesPort) {
  return async (payload: unknown, context: JobContext): Promise<void> => {
    const { incidentId } = validateWith(payloadSchema, payload, "a chart upload job's payload");
    const incident = await deps.store.incidents.get(incidentId);
    const previewTs = (await deps.store.postmortems.get(incidentId)).previewTs;
    if (!incident?.channelId || !previewTs) return;
    const record = await postmortemRecord(recordSources(deps), incident);
    const scene = recordChart(record);
    if (!scene || !record.measurements?.chart) return;
    const png = chartPng(scene);
    const digest = createHash("sha256").update(png).digest("hex").slice(0, 32);
    const stored = await deps.store.measurements.chartUpload(incidentId);
    if (stored?.digest === digest && stored.completedAt) return;
    // A different chart (Regenerate measured again) is a new upload; an unfinished one of it is dropped.
    let upload: ChartUpload = stored?.digest === digest ? stored : { digest };
    const save = async (next: ChartUpload) => {
      upload = next;
      await deps.store.measurements.saveChartUpload(incidentId, next);
    };
    const where = { channelId: incident.channelId, threadTs: previewTs };

    if (upload.fileId && upload.completeSentAt && (await files.isShared(upload.fileId, { ...where, since: new Date(upload.completeSentAt) }))) {
      await save({ ...upload, completedAt: deps.now().toISOString() });
      return;
    }
    if (!upload.fileId) {
      const { fileId } = await files.upload({ filename: `${humanId(incident).toLowerCase()}-chart.png`, bytes: png, altText: scene.description.slice(0, 1000) });
      await save({ digest, fileId });
    }
    await save({ ...upload, completeSentAt: deps.now().toISOString() });
    const { window, chart } = { window: record.measurements.window, chart: record.measurements.chart };
    try {
      await files.complete(upload.fileId!, {
        ...where,
        title: scene.title,
        initialComment: `:chart_with_upwards_trend: ${chart.label}, ${windowText(window.from, window.to, record.timeZone)} (the incident window is shaded; the SVG is committed with the post-mortem).`,
      });
    } catch (error) {
      // Slack discards an upload it was not told to complete in time; the next try starts over.
      if (error instanceof VendorError && error.code === "file_not_found") await save({ digest });
      context.log.warn({ err: error, incidentId }, "sharing the post-mortem chart in Slack failed; trying again");
      throw error;
    }
    await save({ ...upload, completedAt: deps.now().toISOString() });
  };
}
