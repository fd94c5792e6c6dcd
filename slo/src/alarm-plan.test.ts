import { describe, expect, it } from 'vitest';
import { sloAlarmPlan, type WindowAlarmSpec } from './alarm-plan.ts';
import { SLO_DEFINITION } from './definition.ts';

const TARGET = { functionName: 'predictor-fn', aliasName: 'live' };
const PLAN = sloAlarmPlan(SLO_DEFINITION, TARGET);

function numbers(spec: WindowAlarmSpec) {
  return [spec.periodSeconds, spec.evaluationPeriods, spec.datapointsToAlarm, spec.threshold, spec.exact];
}

describe('CloudWatch alarm plan derived from the SLO definition', () => {
  it('covers every SLO x window pair once', () => {
    expect(PLAN.map((alarm) => alarm.id)).toEqual(
      ['availability', 'latency-p95', 'latency-p50'].flatMap((slo) =>
        ['page-1h-5m', 'page-6h-30m', 'ticket-1d-2h', 'ticket-3d-6h'].map((pair) => `${slo}-${pair}`),
      ),
    );
  });

  // [period s, evaluation periods, datapoints to alarm, threshold, exact] for the long and the short window.
  it.each([
    ['availability-page-1h-5m', [3600, 1, 1, 0.01344, true], [300, 1, 1, 0.01344, true]],
    ['availability-page-6h-30m', [21_600, 1, 1, 0.0056, true], [1800, 1, 1, 0.0056, true]],
    ['availability-ticket-1d-2h', [86_400, 1, 1, 0.0028, true], [7200, 1, 1, 0.0028, true]],
    // 3 days cannot be one period: every one of the 3 days must burn above the line.
    ['availability-ticket-3d-6h', [86_400, 3, 3, 0.000933333, false], [21_600, 1, 1, 0.000933333, true]],
    // Latency: percentile > threshold in M of N 5-minute slices, M = fewest slices that burn faster than the factor.
    ['latency-p95-page-1h-5m', [300, 12, 2, 80, true], [300, 1, 1, 80, true]],
    ['latency-p95-page-6h-30m', [300, 72, 5, 80, true], [300, 6, 1, 80, true]],
    ['latency-p95-ticket-1d-2h', [300, 288, 9, 80, true], [300, 24, 1, 80, true]],
    // 3 days of 5-minute periods exceed CloudWatch's one-day range: hourly periods, same count of bad periods.
    ['latency-p95-ticket-3d-6h', [3600, 72, 9, 80, false], [300, 72, 1, 80, true]],
    ['latency-p50-page-1h-5m', [300, 12, 2, 60, true], [300, 1, 1, 60, true]],
  ])('%s: long %j, short %j', (id, long, short) => {
    const alarm = PLAN.find((candidate) => candidate.id === id);
    expect(alarm && numbers(alarm.long)).toEqual(long);
    expect(alarm && numbers(alarm.short)).toEqual(short);
  });

  it('reads success-only latency at the SLO percentile and availability from the app and the alias', () => {
    const p50 = PLAN.find((alarm) => alarm.id === 'latency-p50-page-1h-5m');
    expect(p50?.long.source).toEqual({
      kind: 'metric',
      metric: {
        namespace: 'Shiftgate',
        metricName: 'Latency',
        dimensions: { service: 'predictor', StatusClass: '2xx' },
        statistic: 'p50',
      },
    });
    const availability = PLAN.find((alarm) => alarm.id === 'availability-page-1h-5m')?.long.source;
    if (availability?.kind !== 'expression') throw new Error('availability should be metric math');
    expect(Object.keys(availability.metrics).sort()).toEqual([
      'errors',
      'invocations',
      'serverErrors',
      'throttles',
    ]);
    expect(availability.metrics.throttles?.dimensions).toEqual({
      FunctionName: 'predictor-fn',
      Resource: 'predictor-fn:live',
    });
    expect(availability.metrics.serverErrors?.dimensions).toEqual({
      service: 'predictor',
      StatusClass: '5xx',
    });
  });

  it('refuses at synth time a window CloudWatch could not evaluate, naming the alarm and the fix', () => {
    const odd = structuredClone(SLO_DEFINITION);
    odd.burnRateAlerts = [{ severity: 'ticket', longWindow: '36h', shortWindow: '2h', budgetConsumed: 0.1 }];
    expect(() => sloAlarmPlan(odd, TARGET)).toThrow(
      'Cannot build CloudWatch alarm availability-ticket-36h-2h-long: window is not a whole number of 86400s periods',
    );
  });
});
