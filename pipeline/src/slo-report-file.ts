/**
 * The JSON `npm run slo:report -- --format json --json-file F` writes (slo/src/report-render.ts renderJson of an
 * SloReport), validated before the SLO watch acts on it: a truncated or foreign file must fail the watch, not
 * close every issue.
 */
import { z } from 'zod';
import { UNMEASURED_SLO_PREFIX, WHOLE_WINDOW_PROBLEMS } from '../../slo/src/data-checks.ts';
import type { SloReport } from '../../slo/src/report.ts';

const sloReportSchema = z.object({
  service: z.string(),
  window: z.string(),
  windowStart: z.string(),
  windowEnd: z.string(),
  budgetExhausted: z.boolean(),
  dataProblems: z.array(z.string()),
  dataProblemKinds: z.array(
    z.union([z.enum(WHOLE_WINDOW_PROBLEMS), z.templateLiteral([UNMEASURED_SLO_PREFIX, z.string()])]),
  ),
  leftOutAlerts: z.array(z.string()),
  slos: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      budgetingMethod: z.enum(['Occurrences', 'Timeslices']),
      target: z.number(),
      unit: z.enum(['requests', 'slices']),
      good: z.number(),
      bad: z.number(),
      total: z.number(),
      measuredPeriods: z.number(),
      attainment: z.number().nullable(),
      budgetRemaining: z.number().nullable(),
      budgetExhausted: z.boolean(),
      windowPercentile: z.object({ percentile: z.number(), ms: z.number().nullable() }).nullable(),
      burnRates: z.array(z.object({ window: z.string(), burnRate: z.number().nullable() })),
      firingAlerts: z.array(z.string()),
    }),
  ),
}) satisfies z.ZodType<SloReport>;

export function parseSloReport(json: unknown, source: string): SloReport {
  const parsed = sloReportSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `${source} is not an error-budget report (${z.prettifyError(parsed.error).replaceAll('\n', ' ')}); ` +
        'write it with `npm run slo:report -- --format json --json-file FILE`',
      { cause: parsed.error },
    );
  }
  return parsed.data;
}
