/**
 * The error-budget report, computed from raw CloudWatch series: for every SLO the attainment over the SLO
 * window, the budget left, the burn rate of every alert window and the alerts that fire now, plus the checks
 * that the data can be trusted at all (data-checks.ts). Pure: the series come in as plain data (see
 * cloudwatch-series.ts), the report goes out as plain data (report-render.ts).
 */
import { burnRateOver, firingAlerts } from './alerts.ts';
import { distinctAlertWindows, sloWindowMinutes } from './burn-rate.ts';
import { type DataProblemKind, dataProblems } from './data-checks.ts';
import { latencyPercentile, type ServiceLevelObjective, type SloDefinition } from './definition.ts';
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
import { definitionNotices } from './validate.ts';

/** Values keyed by period start (epoch ms); a missing key is a period without data. */
export type Series = ReadonlyMap<number, number>;

/** The bad requests of the availability SLI (metric-sources.ts); its good ones are the app's 2xx and 4xx. */
export interface AvailabilitySeries {
  /** App 5xx on POST /predict (SampleCount). */
  serverErrors: Series;
  /** Lambda Errors and Throttles of the alias: requests the app never answered. */
  errors: Series;
  throttles: Series;
}

export interface ReportInput {
  windowEnd: number;
  availability: AvailabilitySeries;
  /** SampleCount of 2xx per period: the denominator of every Occurrences latency SLO. */
  successes: Series;
  /** SampleCount of 4xx: with 2xx and 5xx, the app's POST /predict requests. */
  clientErrors: Series;
  /**
   * Lambda's Invocations of the alias, every route (/health too): only checked against the app's count
   * (data-checks.ts), never a denominator.
   */
  invocations: Series;
  /**
   * Per latency SLO name: Occurrences, the 2xx answered within the threshold in each period (TC(:threshold));
   * Timeslices, the SLO percentile of 2xx latency in each slice.
   */
  latency: Readonly<Record<string, Series>>;
  /** Per latency SLO name: its percentile of 2xx latency over the whole window (the 28-day p95), if any data. */
  windowPercentileMs: Readonly<Record<string, number | undefined>>;
}

/** Where the report read, for messages that name the likely cause of missing or inconsistent data. */
export interface ReportScope {
  region: string;
  functionName: string;
  aliasName: string;
  stage: string;
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
  /** Strictly overspent (remaining < 0); exactly 0 is spent to the last request but not over. */
  budgetExhausted: boolean;
  /** Latency SLOs: their percentile over the whole window, e.g. { percentile: 95, ms: 61.2 }. */
  windowPercentile: { percentile: number; ms: number | null } | null;
  burnRates: WindowBurn[];
  firingAlerts: string[];
}

export interface SloReport {
  service: string;
  window: string;
  windowStart: string;
  windowEnd: string;
  budgetExhausted: boolean;
  /**
   * Why the numbers cannot be trusted (no invocations, app and Lambda disagree, an SLO with nothing measured);
   * empty when they can.
   */
  dataProblems: string[];
  /**
   * The kind of each of dataProblems, in the same order (data-checks.ts DataProblemKind): stable from run to
   * run where the messages carry live counts, so a watcher compares these to tell a new problem from the same
   * one again. Added after dataProblems; readers of dataProblems alone are unaffected.
   */
  dataProblemKinds: DataProblemKind[];
  /** Alerts left out because they can never fire for their SLO, each with the reason. */
  leftOutAlerts: string[];
  slos: SloReportRow[];
}

export function buildReport(definition: SloDefinition, input: ReportInput, scope: ReportScope): SloReport {
  const windowStart = input.windowEnd - minutesToMs(sloWindowMinutes(definition));
  const unmeasured: ServiceLevelObjective[] = [];
  const rows = definition.objectives.map((slo) => {
    const outcomes = outcomesFor(slo, input);
    const totals = windowTotals(slo, outcomes, windowStart, input.windowEnd);
    const remaining = budgetRemaining(slo, totals) ?? null;
    if (totals.measuredPeriods === 0) unmeasured.push(slo);
    return {
      name: slo.name,
      description: slo.description,
      budgetingMethod: slo.budgetingMethod,
      target: slo.target,
      unit: slo.budgetingMethod === 'Occurrences' ? 'requests' : 'slices',
      ...totals,
      attainment: attainment(totals) ?? null,
      budgetRemaining: remaining,
      budgetExhausted: remaining !== null && remaining < 0,
      windowPercentile:
        slo.indicator.kind === 'latency'
          ? {
              percentile: latencyPercentile(slo, slo.indicator),
              ms: input.windowPercentileMs[slo.name] ?? null,
            }
          : null,
      burnRates: distinctAlertWindows(definition).map((minutes) => ({
        window: formatMinutes(minutes),
        burnRate: burnRateOver(slo, outcomes, minutes, input.windowEnd) ?? null,
      })),
      firingAlerts: firingAlerts(definition, slo, outcomes, input.windowEnd),
    } satisfies SloReportRow;
  });
  const problems = dataProblems(definition, input, scope, unmeasured);
  return {
    service: definition.service,
    window: definition.timeWindow.duration,
    windowStart: new Date(windowStart).toISOString(),
    windowEnd: new Date(input.windowEnd).toISOString(),
    budgetExhausted: rows.some((row) => row.budgetExhausted),
    dataProblems: problems.map((problem) => problem.message),
    dataProblemKinds: problems.map((problem) => problem.kind),
    leftOutAlerts: definitionNotices(definition),
    slos: rows,
  };
}

/**
 * Exit codes of `slo:report`: 0 every budget has something left; 1 usage, definition or AWS error; 2 the data
 * cannot be trusted (no invocations, the app's metrics and Lambda's disagree, or an SLO measured nothing in the
 * window): never an OK on no data;
 * 3 a budget is overspent: freeze releases. Untrustworthy data wins over an overspent budget, which it may fake.
 */
export const EXIT_OK = 0;
export const EXIT_USAGE_OR_AWS_ERROR = 1;
export const EXIT_DATA_PROBLEM = 2;
export const EXIT_BUDGET_EXHAUSTED = 3;

export function reportExitCode(report: SloReport): number {
  if (report.dataProblems.length > 0) return EXIT_DATA_PROBLEM;
  return report.budgetExhausted ? EXIT_BUDGET_EXHAUSTED : EXIT_OK;
}

/** Per-period good/bad outcomes of one SLO from the report's series (also what the publisher computes from). */
export function outcomesFor(slo: ServiceLevelObjective, input: ReportInput): PeriodOutcome[] {
  const indicator = slo.indicator;
  if (indicator.kind === 'latency' && slo.budgetingMethod === 'Occurrences') {
    const fast = input.latency[slo.name] ?? new Map<number, number>();
    return occurrenceOutcomes(
      [...input.successes].map(([start, total]) => ({ start, total, bad: total - (fast.get(start) ?? 0) })),
    );
  }
  if (indicator.kind === 'latency') {
    const series = input.latency[slo.name] ?? new Map<number, number>();
    return timesliceOutcomes(
      indicator.thresholdMs,
      [...series].map(([start, percentileMs]) => ({ start, percentileMs })),
    );
  }
  // POST /predict requests only (metric-sources.ts): Lambda's Invocations would count /health probes too.
  const { serverErrors, errors, throttles } = input.availability;
  const { successes, clientErrors } = input;
  const all = [successes, clientErrors, serverErrors, errors, throttles];
  const starts = new Set(all.flatMap((series) => [...series.keys()]));
  return occurrenceOutcomes(
    [...starts].map((start) => {
      const bad = (serverErrors.get(start) ?? 0) + (errors.get(start) ?? 0) + (throttles.get(start) ?? 0);
      return { start, total: (successes.get(start) ?? 0) + (clientErrors.get(start) ?? 0) + bad, bad };
    }),
  );
}
