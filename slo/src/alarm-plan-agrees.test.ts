/**
 * The CloudWatch alarms must mean what the exact alert math means. These properties turn random traffic into
 * per-minute requests, evaluate each planned alarm's own metrics and metric math on them with the CloudWatch
 * model of testing/cloudwatch-simulator.ts (statistics, expression, M of N datapoints, missing data not
 * breaching) and compare with the exact burn rate of the same window.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sloAlarmPlan, type WindowAlarmSpec } from './alarm-plan.ts';
import { burnRateOver } from './alerts.ts';
import { type ServiceLevelObjective, SLO_DEFINITION, type SloDefinition } from './definition.ts';
import { minutesToMs, type PeriodOutcome } from './sli.ts';
import {
  alarmFires,
  MINUTE_MS,
  type Minute,
  type Responses,
  type Traffic,
} from './testing/cloudwatch-simulator.ts';
import { timeSliced } from './testing/time-sliced.ts';

const AT = Date.UTC(2026, 10, 29);
const PERIOD_MINUTES = 5;
const TIME_SLICED = timeSliced();
const TARGET = { functionName: 'f', aliasName: 'live', stage: 'prod' };
const PLAN = sloAlarmPlan(SLO_DEFINITION, TARGET);
const TIME_SLICED_PLAN = sloAlarmPlan(TIME_SLICED, TARGET);
const threeDays = (3 * 24 * 60) / PERIOD_MINUTES;
const startOf = (indexFromEnd: number) => AT - minutesToMs((indexFromEnd + 1) * PERIOD_MINUTES);

function objective(definition: SloDefinition, name: string): ServiceLevelObjective {
  const slo = definition.objectives.find((candidate) => candidate.name === name);
  if (slo === undefined) throw new Error(`no SLO ${name}`);
  return slo;
}

/** /health invocations beside every period's requests: Lambda counts them, the SLIs must not. */
const HEALTH_PROBES_PER_PERIOD = 300;

/** The app's responses and Lambda's errors for one period's good and bad requests (or slice). */
function requestsOf(slo: ServiceLevelObjective, { good, bad }: PeriodOutcome): Minute {
  const indicator = slo.indicator;
  if (indicator.kind === 'availability') {
    // Half the failures crash (Lambda Errors, no response), half are answered 5xx.
    const crashes = Math.floor(bad / 2);
    return {
      invocations: good + bad + HEALTH_PROBES_PER_PERIOD,
      errors: crashes,
      throttles: 0,
      responses: [
        { statusClass: '2xx', latencyMs: 40, count: good },
        { statusClass: '5xx', latencyMs: 5, count: bad - crashes },
      ],
    };
  }
  // Good requests take exactly the threshold (TC(:t) and pNN <= t count them good), bad ones 20 ms more.
  const responses: Responses[] = [
    { statusClass: '2xx', latencyMs: indicator.thresholdMs, count: good },
    { statusClass: '2xx', latencyMs: indicator.thresholdMs + 20, count: bad },
  ];
  return { invocations: good + bad + HEALTH_PROBES_PER_PERIOD, errors: 0, throttles: 0, responses };
}

/** The outcomes as per-minute traffic over the 3 days before AT: each period's requests in its first minute. */
function trafficOf(slo: ServiceLevelObjective, outcomes: readonly PeriodOutcome[]): Traffic {
  const start = AT - minutesToMs(threeDays * PERIOD_MINUTES);
  const minutes = Array.from(
    { length: threeDays * PERIOD_MINUTES },
    (): Minute => ({ invocations: 0, errors: 0, throttles: 0, responses: [] }),
  );
  for (const outcome of outcomes) minutes[(outcome.start - start) / MINUTE_MS] = requestsOf(slo, outcome);
  return { start, stage: 'prod', alias: 'live', minutes };
}

/** Whether CloudWatch would have `spec` in ALARM at AT, evaluating the plan's own metrics on that traffic. */
function cloudWatchFires(
  slo: ServiceLevelObjective,
  spec: WindowAlarmSpec,
  outcomes: readonly PeriodOutcome[],
) {
  return alarmFires(spec, trafficOf(slo, outcomes), AT);
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
          const fires = cloudWatchFires(slo, spec, outcomes);
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
