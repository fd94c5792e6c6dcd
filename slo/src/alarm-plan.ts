/**
 * The CloudWatch alarms, as plain data, that implement every (SLO x burn-rate window pair) that can fire: one
 * alarm per window, joined by a composite alarm (long AND short). infra/lib/slo-alarms.ts only turns these into
 * constructs. Pairs that can never fire for an SLO (see unfireableAlerts) are left out.
 *
 * CloudWatch's limits shape the plan (cloudwatch-limits.ts says which are documented where): we use alarm
 * periods of at most one day, the longest documented for a sliding window, and Period x EvaluationPeriods is
 * at most one day when the period is under an hour. Every window is exact:
 * - up to one day, native metric math. Occurrences: one datapoint, period = window, alarm when the bad share is
 *   above factor x budget. Timeslices: period = slice, M of N slices above the threshold.
 * - longer (the 3-day window): a 3-day sliding period is not documented, so rather than rely on one, the exact
 *   burn rate is published every 5 minutes by slo/src/publisher as the custom metric
 *   BurnRate{service, Stage, Slo, Window}; the alarm is BurnRate > factor.
 */
import { alertPairsFor, type BurnRateWindowPair, errorBudget } from './burn-rate.ts';
import {
  alarmPeriodProblem,
  MAX_ALARM_PERIOD_MINUTES,
  maxEvaluationRangeSeconds,
} from './cloudwatch-limits.ts';
import {
  latencyPercentile,
  type ServiceLevelObjective,
  type Severity,
  type SloDefinition,
} from './definition.ts';
import { durationMinutes, formatMinutes, SECONDS_PER_MINUTE } from './duration.ts';
import {
  AVAILABILITY_BAD_RATIO_EXPRESSION,
  availabilitySources,
  fastSuccessesSource,
  LATENCY_SLOW_RATIO_EXPRESSION,
  type LambdaTarget,
  latencyPercentileSource,
  type MetricRef,
  successesSource,
} from './metric-sources.ts';

/** How often the publisher runs (infra schedules it with this): its BurnRate datapoints are this far apart. */
export const BURN_RATE_PUBLISH_INTERVAL_MINUTES = 5;

export type AlarmSource =
  | { kind: 'metric'; metric: MetricRef }
  | { kind: 'expression'; expression: string; metrics: Record<string, MetricRef> };

export interface WindowAlarmSpec {
  /** Unique, stable: '<slo>-<pair>-long' / '-short'. */
  id: string;
  windowMinutes: number;
  source: AlarmSource;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  /** Alarm when the value is greater than this; missing data is not breaching. */
  threshold: number;
  /** True for every window: none is approximated any more (kept so consumers can assert it). */
  exact: boolean;
  description: string;
}

export interface BurnRateAlarmSpec {
  id: string;
  sloName: string;
  severity: Severity;
  pair: BurnRateWindowPair;
  /** Share of bad events (or slices) that burns at exactly the pair's factor: factor x error budget. */
  badShare: number;
  long: WindowAlarmSpec;
  short: WindowAlarmSpec;
  description: string;
}

export function sloAlarmPlan(definition: SloDefinition, target: LambdaTarget): BurnRateAlarmSpec[] {
  return definition.objectives.flatMap((slo) =>
    alertPairsFor(definition, slo).map((pair) => {
      const id = `${slo.name}-${pair.id}`;
      const line = `burns > ${round(pair.factor, 3)}x (${pair.budgetConsumed * 100}% of the budget)`;
      const badShare = pair.factor * errorBudget(slo);
      return {
        id,
        sloName: slo.name,
        severity: pair.severity,
        pair,
        badShare,
        long: windowAlarm(definition, slo, target, pair, badShare, 'long'),
        short: windowAlarm(definition, slo, target, pair, badShare, 'short'),
        description:
          `${slo.name}: ${formatMinutes(pair.longMinutes)} and ${formatMinutes(pair.shortMinutes)} both ${line}. ` +
          'Generated from slo/src/definition.ts; see docs/slo.md.',
      };
    }),
  );
}

/** Windows of this SLO's alarms too long for a native alarm: the publisher computes these burn rates. */
export function publishedWindows(definition: SloDefinition, slo: ServiceLevelObjective): number[] {
  const minutes = alertPairsFor(definition, slo).flatMap((pair) => [pair.longMinutes, pair.shortMinutes]);
  return [...new Set(minutes)].filter((m) => m > MAX_ALARM_PERIOD_MINUTES).sort((a, b) => a - b);
}

/** The publisher's BurnRate metric for one SLO and window, as the alarm reads it. */
export function burnRateMetric(
  definition: SloDefinition,
  stage: string,
  sloName: string,
  windowMinutes: number,
): MetricRef {
  const { metrics, published } = definition;
  return {
    namespace: metrics.namespace,
    metricName: published.burnRateMetric,
    dimensions: {
      service: metrics.service,
      [metrics.stageDimension]: stage,
      [published.sloDimension]: sloName,
      [published.windowDimension]: formatMinutes(windowMinutes),
    },
    statistic: 'Maximum',
  };
}

function windowAlarm(
  definition: SloDefinition,
  slo: ServiceLevelObjective,
  target: LambdaTarget,
  pair: BurnRateWindowPair,
  badShare: number,
  role: 'long' | 'short',
): WindowAlarmSpec {
  const windowMinutes = role === 'long' ? pair.longMinutes : pair.shortMinutes;
  const id = `${slo.name}-${pair.id}-${role}`;
  const windowText = formatMinutes(windowMinutes);
  if (windowMinutes > MAX_ALARM_PERIOD_MINUTES) {
    // Two periods, one breaching datapoint: a single late or skipped publisher run neither fires nor clears it.
    return checked({
      id,
      windowMinutes,
      source: { kind: 'metric', metric: burnRateMetric(definition, target.stage, slo.name, windowMinutes) },
      periodSeconds: BURN_RATE_PUBLISH_INTERVAL_MINUTES * SECONDS_PER_MINUTE,
      evaluationPeriods: 2,
      datapointsToAlarm: 1,
      threshold: round(pair.factor, 9),
      exact: true,
      description: `${slo.name}: published ${windowText} burn rate above ${round(pair.factor, 3)}`,
    });
  }
  const indicator = slo.indicator;
  if (slo.budgetingMethod === 'Occurrences') {
    const source: AlarmSource =
      indicator.kind === 'availability'
        ? {
            kind: 'expression',
            expression: AVAILABILITY_BAD_RATIO_EXPRESSION,
            metrics: { ...availabilitySources(definition.metrics, target) },
          }
        : {
            kind: 'expression',
            expression: LATENCY_SLOW_RATIO_EXPRESSION,
            metrics: {
              fast: fastSuccessesSource(definition.metrics, target, indicator),
              successes: successesSource(definition.metrics, target),
            },
          };
    return checked({
      id,
      windowMinutes,
      source,
      periodSeconds: windowMinutes * SECONDS_PER_MINUTE,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: round(badShare, 9),
      exact: true,
      description: `${slo.name} bad share over ${windowText} above ${round(badShare * 100, 4)}%`,
    });
  }
  if (indicator.kind !== 'latency') {
    throw new Error(`SLO '${slo.name}' is time-sliced but not a latency SLO; validate the definition first`);
  }
  const percentile = latencyPercentile(slo, indicator);
  const sliceMinutes = durationMinutes(slo.timeSliceWindow ?? '');
  const slices = windowMinutes / sliceMinutes;
  // Strictly more bad slices than badShare allows; rounding first keeps 8.000000001 from becoming 9.
  const badSlicesToAlarm = Math.floor(round(badShare * slices, 9)) + 1;
  return checked({
    id,
    windowMinutes,
    source: { kind: 'metric', metric: latencyPercentileSource(definition.metrics, target, percentile) },
    periodSeconds: sliceMinutes * SECONDS_PER_MINUTE,
    evaluationPeriods: slices,
    datapointsToAlarm: badSlicesToAlarm,
    threshold: indicator.thresholdMs,
    exact: true,
    description:
      `${slo.name}: p${percentile} > ${indicator.thresholdMs} ms in ${badSlicesToAlarm} of ` +
      `${slices} ${formatMinutes(sliceMinutes)} slices over ${windowText}`,
  });
}

/** Refuses, at synth time, an alarm CloudWatch would reject at deploy time. */
function checked(spec: WindowAlarmSpec): WindowAlarmSpec {
  const range = spec.periodSeconds * spec.evaluationPeriods;
  const maxRange = maxEvaluationRangeSeconds(spec.periodSeconds);
  const problems = [
    alarmPeriodProblem(spec.periodSeconds),
    !Number.isInteger(spec.evaluationPeriods)
      ? `window is not a whole number of ${spec.periodSeconds}s periods`
      : undefined,
    range > maxRange
      ? `period x evaluation periods = ${range}s exceeds CloudWatch's ${maxRange}s`
      : undefined,
    spec.datapointsToAlarm > spec.evaluationPeriods
      ? `needs ${spec.datapointsToAlarm} bad periods of ${spec.evaluationPeriods}: the alarm could never fire`
      : undefined,
  ].filter((problem) => problem !== undefined);
  if (problems.length > 0) {
    throw new Error(
      `Cannot build CloudWatch alarm ${spec.id}: ${problems.join('; ')}. Change the windows in slo/src/definition.ts`,
    );
  }
  return spec;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
