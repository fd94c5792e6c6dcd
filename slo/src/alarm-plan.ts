/**
 * The CloudWatch alarms, as plain data, that implement every (SLO x burn-rate window pair): one alarm per
 * window, joined by a composite alarm (long AND short). infra/lib/slo-alarms.ts only turns these into
 * constructs. CloudWatch limits shape the plan: a period is at most one day, and Period x EvaluationPeriods is
 * at most one day when the period is under an hour (seven days otherwise).
 *
 * - Occurrences (availability): one datapoint, period = window, alarm when the bad share > factor x budget.
 *   Exact. A window over one day uses daily periods and alarms only when EVERY day's share is above the line.
 * - Timeslices (latency): period = slice, alarm on the percentile itself, M of N: M = fewest bad slices that
 *   burn faster than the factor. Exact. A window over one day uses hourly periods with the same M as bad
 *   hours.
 * Both fallbacks are sufficient conditions (a day above the line in every day means the window is above it; a
 * bad hour holds at least one bad slice, because if every slice's percentile is under the threshold, so is the
 * hour's), so they never fire when the exact alert would not; they can miss an uneven slow burn, which the
 * daily `slo:report` still shows. See docs/slo.md.
 */
import { type BurnRateWindowPair, burnRateWindowPairs, errorBudget } from './burn-rate.ts';
import type { ServiceLevelObjective, Severity, SloDefinition } from './definition.ts';
import { durationMinutes, formatMinutes, SECONDS_PER_MINUTE } from './duration.ts';
import {
  AVAILABILITY_BAD_RATIO_EXPRESSION,
  availabilitySources,
  type LambdaTarget,
  latencySource,
  type MetricRef,
} from './metric-sources.ts';

const SECONDS_PER_HOUR = 3600;
const SECONDS_PER_DAY = 86_400;
/** CloudWatch: Period x EvaluationPeriods <= 1 day for periods under an hour, <= 7 days otherwise. */
const MAX_RANGE_SHORT_PERIODS_S = SECONDS_PER_DAY;
const MAX_RANGE_S = 7 * SECONDS_PER_DAY;

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
  /** Alarm when the value is greater than this. */
  threshold: number;
  /** False when CloudWatch's limits forced a coarser, sufficient-only condition. */
  exact: boolean;
  description: string;
}

export interface BurnRateAlarmSpec {
  id: string;
  sloName: string;
  severity: Severity;
  pair: BurnRateWindowPair;
  long: WindowAlarmSpec;
  short: WindowAlarmSpec;
  description: string;
}

export function sloAlarmPlan(definition: SloDefinition, target: LambdaTarget): BurnRateAlarmSpec[] {
  return definition.objectives.flatMap((slo) =>
    burnRateWindowPairs(definition).map((pair) => {
      const id = `${slo.name}-${pair.id}`;
      const line = `burns > ${round(pair.factor, 3)}x (${pair.budgetConsumed * 100}% of the budget)`;
      return {
        id,
        sloName: slo.name,
        severity: pair.severity,
        pair,
        long: windowAlarm(definition, slo, target, pair, 'long'),
        short: windowAlarm(definition, slo, target, pair, 'short'),
        description:
          `${slo.name}: ${formatMinutes(pair.longMinutes)} and ${formatMinutes(pair.shortMinutes)} both ${line}. ` +
          'Generated from slo/src/definition.ts; see docs/slo.md.',
      };
    }),
  );
}

function windowAlarm(
  definition: SloDefinition,
  slo: ServiceLevelObjective,
  target: LambdaTarget,
  pair: BurnRateWindowPair,
  role: 'long' | 'short',
): WindowAlarmSpec {
  const windowMinutes = role === 'long' ? pair.longMinutes : pair.shortMinutes;
  const badShare = pair.factor * errorBudget(slo);
  const id = `${slo.name}-${pair.id}-${role}`;
  const windowText = formatMinutes(windowMinutes);
  const indicator = slo.indicator;
  if (indicator.kind === 'availability') {
    const exact = windowMinutes * SECONDS_PER_MINUTE <= SECONDS_PER_DAY;
    const periodSeconds = exact ? windowMinutes * SECONDS_PER_MINUTE : SECONDS_PER_DAY;
    const evaluationPeriods = (windowMinutes * SECONDS_PER_MINUTE) / periodSeconds;
    return checked({
      id,
      windowMinutes,
      source: {
        kind: 'expression',
        expression: AVAILABILITY_BAD_RATIO_EXPRESSION,
        metrics: { ...availabilitySources(definition.metrics, target) },
      },
      periodSeconds,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      threshold: round(badShare, 9),
      exact,
      description: `${slo.name} bad share over ${windowText} above ${round(badShare * 100, 4)}%`,
    });
  }
  const sliceMinutes = durationMinutes(slo.timeSliceWindow ?? '');
  const slices = windowMinutes / sliceMinutes;
  // Strictly more bad slices than badShare allows; rounding first keeps 8.000000001 from becoming 9.
  const badSlicesToAlarm = Math.floor(round(badShare * slices, 9)) + 1;
  const exact = windowMinutes * SECONDS_PER_MINUTE <= MAX_RANGE_SHORT_PERIODS_S;
  const periodSeconds = exact ? sliceMinutes * SECONDS_PER_MINUTE : SECONDS_PER_HOUR;
  const evaluationPeriods = (windowMinutes * SECONDS_PER_MINUTE) / periodSeconds;
  return checked({
    id,
    windowMinutes,
    source: { kind: 'metric', metric: latencySource(definition.metrics, indicator) },
    periodSeconds,
    evaluationPeriods,
    datapointsToAlarm: badSlicesToAlarm,
    threshold: indicator.thresholdMs,
    exact,
    description:
      `${slo.name}: p${indicator.percentile} > ${indicator.thresholdMs} ms in ${badSlicesToAlarm} of ` +
      `${evaluationPeriods} ${exact ? formatMinutes(sliceMinutes) : '1h'} periods over ${windowText}`,
  });
}

/** Refuses, at synth time, an alarm CloudWatch would reject at deploy time. */
function checked(spec: WindowAlarmSpec): WindowAlarmSpec {
  const range = spec.periodSeconds * spec.evaluationPeriods;
  const maxRange = spec.periodSeconds < SECONDS_PER_HOUR ? MAX_RANGE_SHORT_PERIODS_S : MAX_RANGE_S;
  const problems = [
    spec.periodSeconds % SECONDS_PER_MINUTE !== 0 || spec.periodSeconds > SECONDS_PER_DAY
      ? `period ${spec.periodSeconds}s is not a whole number of minutes up to one day`
      : undefined,
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
