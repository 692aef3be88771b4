import { z } from "zod";
import type { PostmortemMeasurements } from "../../domain/measurements.js";
import type { ChartUpload, MeasurementsRepository } from "../../ports/store.js";
import type { SqlExecutor } from "./sql.js";

const point = z.tuple([z.number(), z.number().nullable()]);
const measurementsSchema = z.object({
  window: z.object({ from: z.number(), to: z.number() }),
  impacts: z.array(z.object({ service: z.string(), label: z.string(), query: z.string(), total: z.number().optional(), problem: z.string().optional() })),
  chart: z.object({ label: z.string(), query: z.string(), origin: z.enum(["chart", "impact", "gate"]), points: z.array(point), from: z.number(), to: z.number() }).optional(),
  note: z.string().optional(),
});
const uploadSchema = z.object({ digest: z.string(), fileId: z.string().optional(), completeSentAt: z.string().optional(), completedAt: z.string().optional() });

export function createMeasurementsStore(sql: SqlExecutor): MeasurementsRepository {
  const column = async (incidentId: number, name: "measurements" | "chart_upload") => {
    const [found] = await sql.query(`SELECT ${name} AS value FROM postmortem_measurements WHERE incident_id = $1`, [incidentId]);
    return (found as { value?: unknown } | undefined)?.value ?? undefined;
  };
  return {
    async get(incidentId) {
      const value = await column(incidentId, "measurements");
      return value === undefined || value === null ? undefined : (measurementsSchema.parse(value) as PostmortemMeasurements);
    },
    async save(incidentId, measurements, at) {
      await sql.query(
        `INSERT INTO postmortem_measurements (incident_id, measurements, measured_at) VALUES ($1, $2, $3)
         ON CONFLICT (incident_id) DO UPDATE SET measurements = $2, measured_at = $3, updated_at = now()`,
        [incidentId, measurements, at],
      );
    },
    async chartUpload(incidentId) {
      const value = await column(incidentId, "chart_upload");
      return value === undefined || value === null ? undefined : (uploadSchema.parse(value) as ChartUpload);
    },
    async saveChartUpload(incidentId, upload) {
      await sql.query(
        `INSERT INTO postmortem_measurements (incident_id, chart_upload) VALUES ($1, $2)
         ON CONFLICT (incident_id) DO UPDATE SET chart_upload = $2, updated_at = now()`,
        [incidentId, upload],
      );
    },
  };
}
