/**
 * The error-budget report, computed from raw CloudWatch series: for every SLO the attainment over the SLO
 * window, the budget left, the burn rate of every alert window and the alerts that fire now. Pure: the
 * series come in as plain data (see cloudwatch-series.ts), the report goes out as plain data (report-render.ts).
 */
import { burnRateOver, firingAlerts } from './alerts.ts';
import { distinctAlertWindows, sloWindowMinutes } from './burn-rate.ts';
import type { ServiceLevelObjective, SloDefinition } from './definition.ts';
import { formatMinutes } from './duration.ts';
import {
  attainment,
  budgetRemaining,
  minutesToMs,
  occurrenceOutcomes,
  type PeriodOutcome,
  timesliceOutcomes,
  windowTotals,
} from './sli.ts';

/** Values keyed by period start (epoch ms); a missing key is a period without data. */
export type Series = ReadonlyMap<number, number>;

export interface AvailabilitySeries {
  serverErrors: Series;
  errors: Series;
  throttles: Series;
  invocations: Series;
}

export interface ReportInput {
  windowEnd: number;
  availability: AvailabilitySeries;
  /** Per latency SLO name: the SLO percentile of successful-response latency in each slice. */
  latency: Readonly<Record<string, Series>>;
}

export interface WindowBurn {
  window: string;
  burnRate: number | null;
}

export interface SloReportRow {
  name: string;
  description: string;
  budgetingMethod: ServiceLevelObjective['budgetingMethod'];
  target: number;
  /** Requests (Occurrences) or slices (Timeslices). */
  unit: 'requests' | 'slices';
  good: number;
  bad: number;
  total: number;
  measuredPeriods: number;
  /** null: no data in the window, which is never reported as 100%. */
  attainment: number | null;
  budgetRemaining: number | null;
  budgetExhausted: boolean;
  burnRates: WindowBurn[];
  firingAlerts: string[];
}

export interface SloReport {
  service: string;
  window: string;
  windowStart: string;
  windowEnd: string;
  budgetExhausted: boolean;
  slos: SloReportRow[];
}

export function buildReport(definition: SloDefinition, input: ReportInput): SloReport {
  const windowStart = input.windowEnd - minutesToMs(sloWindowMinutes(definition));
  const rows = definition.objectives.map((slo) => {
    const outcomes = outcomesFor(slo, input);
    const totals = windowTotals(slo, outcomes, windowStart, input.windowEnd);
    const remaining = budgetRemaining(slo, totals) ?? null;
    return {
      name: slo.name,
      description: slo.description,
      budgetingMethod: slo.budgetingMethod,
      target: slo.target,
      unit: slo.budgetingMethod === 'Occurrences' ? 'requests' : 'slices',
      ...totals,
      attainment: attainment(totals) ?? null,
      budgetRemaining: remaining,
      budgetExhausted: remaining !== null && remaining <= 0,
      burnRates: distinctAlertWindows(definition).map((minutes) => ({
        window: formatMinutes(minutes),
        burnRate: burnRateOver(slo, outcomes, minutes, input.windowEnd) ?? null,
      })),
      firingAlerts: firingAlerts(definition, slo, outcomes, input.windowEnd),
    } satisfies SloReportRow;
  });
  return {
    service: definition.service,
    window: definition.timeWindow.duration,
    windowStart: new Date(windowStart).toISOString(),
    windowEnd: new Date(input.windowEnd).toISOString(),
    budgetExhausted: rows.some((row) => row.budgetExhausted),
    slos: rows,
  };
}

/** Exit code of `slo:report`: 0 budgets left (or no data yet), 3 a budget is spent: freeze releases. */
export const EXIT_OK = 0;
export const EXIT_USAGE_OR_AWS_ERROR = 1;
export const EXIT_BUDGET_EXHAUSTED = 3;

export function reportExitCode(report: SloReport): number {
  return report.budgetExhausted ? EXIT_BUDGET_EXHAUSTED : EXIT_OK;
}

function outcomesFor(slo: ServiceLevelObjective, input: ReportInput): PeriodOutcome[] {
  const indicator = slo.indicator;
  if (indicator.kind === 'latency') {
    const series = input.latency[slo.name] ?? new Map<number, number>();
    return timesliceOutcomes(
      indicator.thresholdMs,
      [...series].map(([start, percentileMs]) => ({ start, percentileMs })),
    );
  }
  const { serverErrors, errors, throttles, invocations } = input.availability;
  const starts = new Set([
    ...serverErrors.keys(),
    ...errors.keys(),
    ...throttles.keys(),
    ...invocations.keys(),
  ]);
  return occurrenceOutcomes(
    [...starts].map((start) => {
      const throttled = throttles.get(start) ?? 0;
      const bad = (serverErrors.get(start) ?? 0) + (errors.get(start) ?? 0) + throttled;
      // A recorded 5xx is a request even if Lambda's Invocations for that period has not landed yet.
      const total = Math.max((invocations.get(start) ?? 0) + throttled, bad);
      return { start, total, bad };
    }),
  );
}
