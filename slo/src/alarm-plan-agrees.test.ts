/**
 * The CloudWatch alarms must mean what the exact alert math means. These properties replay random traffic
 * through a model of how CloudWatch evaluates each planned alarm (M of N datapoints above the threshold,
 * missing data not breaching) and compare with the exact burn rate of the same window.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sloAlarmPlan, type WindowAlarmSpec } from './alarm-plan.ts';
import { burnRateOver } from './alerts.ts';
import { type ServiceLevelObjective, SLO_DEFINITION, type SloDefinition } from './definition.ts';
import { minutesToMs, type PeriodOutcome } from './sli.ts';

const AT = Date.UTC(2026, 10, 29);
const PERIOD_MINUTES = 5;
const TIME_SLICED = timeSliced();
const PLAN = sloAlarmPlan(SLO_DEFINITION, { functionName: 'f', aliasName: 'live', stage: 'prod' });
const TIME_SLICED_PLAN = sloAlarmPlan(TIME_SLICED, { functionName: 'f', aliasName: 'live', stage: 'prod' });

/** The time-sliced option of the latency SLOs: each 5-minute slice's percentile, 99% of slices good. */
function timeSliced(): SloDefinition {
  const definition = structuredClone(SLO_DEFINITION);
  for (const slo of definition.objectives) {
    if (slo.indicator.kind !== 'latency') continue;
    slo.indicator.percentile = slo.target * 100;
    slo.budgetingMethod = 'Timeslices';
    slo.target = 0.99;
    slo.timeSliceWindow = '5m';
  }
  return definition;
}

function objective(definition: SloDefinition, name: string): ServiceLevelObjective {
  const slo = definition.objectives.find((candidate) => candidate.name === name);
  if (slo === undefined) throw new Error(`no SLO ${name}`);
  return slo;
}

/** How CloudWatch would evaluate `spec` at AT over 5-minute outcomes (sums for ratios, slices for latency). */
function cloudWatchFires(spec: WindowAlarmSpec, outcomes: readonly PeriodOutcome[]): boolean {
  const periodMs = spec.periodSeconds * 1000;
  let breaching = 0;
  for (let i = 0; i < spec.evaluationPeriods; i += 1) {
    const to = AT - i * periodMs;
    const inPeriod = outcomes.filter((o) => o.start >= to - periodMs && o.start < to);
    if (spec.source.kind === 'metric') {
      // Exact latency alarms have period = slice: the datapoint is the slice's percentile, breaching when bad.
      if (inPeriod.some((o) => o.bad > 0)) breaching += 1;
      continue;
    }
    const bad = inPeriod.reduce((sum, o) => sum + o.bad, 0);
    const total = inPeriod.reduce((sum, o) => sum + o.good + o.bad, 0);
    if (total > 0 && bad / total > spec.threshold) breaching += 1;
  }
  return breaching >= spec.datapointsToAlarm;
}

function exactFires(
  slo: ServiceLevelObjective,
  spec: WindowAlarmSpec,
  factor: number,
  outcomes: PeriodOutcome[],
) {
  const burn = burnRateOver(slo, outcomes, spec.windowMinutes, AT);
  return burn !== undefined && burn > factor;
}

const threeDays = (3 * 24 * 60) / PERIOD_MINUTES;
const startOf = (indexFromEnd: number) => AT - minutesToMs((indexFromEnd + 1) * PERIOD_MINUTES);

/** Requests per 5-minute period over 3 days: quiet stretches, steady traffic and outages of any length. */
const requestSeries = fc
  .array(
    fc.record({
      periods: fc.integer({ min: 1, max: 400 }),
      total: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2000 })),
      badShare: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.03, noNaN: true }), fc.constant(1)),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((stretches) => {
    const outcomes: PeriodOutcome[] = [];
    let index = 0;
    for (const stretch of stretches) {
      for (let i = 0; i < stretch.periods && index < threeDays; i += 1, index += 1) {
        if (stretch.total === 0) continue;
        const bad = Math.round(stretch.total * stretch.badShare);
        outcomes.push({ start: startOf(index), good: stretch.total - bad, bad });
      }
    }
    return outcomes;
  });

/** Slices over 3 days in stretches: missing (no traffic), all good, all slow, or one slow slice in `every`. */
const sliceSeries = fc
  .array(
    fc.record({
      periods: fc.integer({ min: 1, max: 300 }),
      kind: fc.constantFrom('missing', 'good', 'slow', 'mixed'),
      every: fc.integer({ min: 2, max: 150 }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((stretches) => {
    const outcomes: PeriodOutcome[] = [];
    let index = 0;
    for (const { periods, kind, every } of stretches) {
      for (let i = 0; i < periods && index < threeDays; i += 1, index += 1) {
        if (kind === 'missing') continue;
        const slow = kind === 'slow' || (kind === 'mixed' && i % every === 0);
        outcomes.push({ start: startOf(index), good: slow ? 0 : 1, bad: slow ? 1 : 0 });
      }
    }
    return outcomes;
  });

describe('planned CloudWatch alarms agree with the exact burn-rate math', () => {
  // The windows CloudWatch evaluates natively; the 3-day ones read the publisher's BurnRate (publisher tests).
  const windows = [
    ...PLAN.map((alarm) => ({ alarm, definition: SLO_DEFINITION, name: alarm.id })),
    ...TIME_SLICED_PLAN.map((alarm) => ({ alarm, definition: TIME_SLICED, name: `time-sliced ${alarm.id}` })),
  ].flatMap(({ alarm, definition, name }) =>
    [alarm.long, alarm.short]
      .filter((spec) => spec.windowMinutes <= 24 * 60)
      .map((spec) => ({
        alarm,
        spec,
        slo: objective(definition, alarm.sloName),
        name: `${name} ${spec.id}`,
      })),
  );

  it.each(windows.map((w) => [w.name, w]))(
    '%s fires exactly when the window burns faster than its factor',
    (_id, { alarm, spec, slo }) => {
      const series = slo.budgetingMethod === 'Occurrences' ? requestSeries : sliceSeries;
      const seen = new Set<boolean>();
      fc.assert(
        fc.property(series, (outcomes) => {
          const burn = burnRateOver(slo, outcomes, spec.windowMinutes, AT);
          // Skip the float knife-edge where the share equals the threshold to the last digit.
          fc.pre(burn === undefined || Math.abs(burn - alarm.pair.factor) > 1e-6);
          const fires = cloudWatchFires(spec, outcomes);
          seen.add(fires);
          expect(fires).toBe(exactFires(slo, spec, alarm.pair.factor, outcomes));
        }),
        { numRuns: 150 },
      );
      // Both verdicts occurred, so the agreement was tested on each side of the line.
      expect(seen).toEqual(new Set([true, false]));
    },
  );
});
