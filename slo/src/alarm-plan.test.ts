import { describe, expect, it } from 'vitest';
import { type BurnRateAlarmSpec, sloAlarmPlan, type WindowAlarmSpec } from './alarm-plan.ts';
import { SLO_DEFINITION } from './definition.ts';
import { missingDataAlarmPlan } from './missing-data-plan.ts';
import { timeSliced } from './testing/time-sliced.ts';

const TARGET = { functionName: 'predictor-prod', aliasName: 'live', stage: 'prod' };
const PLAN = sloAlarmPlan(SLO_DEFINITION, TARGET);

function numbers(spec: WindowAlarmSpec) {
  return [spec.periodSeconds, spec.evaluationPeriods, spec.datapointsToAlarm, spec.threshold, spec.exact];
}

function alarm(plan: BurnRateAlarmSpec[], id: string): BurnRateAlarmSpec {
  const found = plan.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`plan has no ${id}: ${plan.map((a) => a.id).join(', ')}`);
  return found;
}

describe('CloudWatch alarm plan derived from the SLO definition', () => {
  it('covers every SLO x window pair that can fire, and leaves out the p50 ones that cannot', () => {
    const pairs = ['page-1h-5m', 'page-6h-30m', 'ticket-1d-2h', 'ticket-3d-6h'];
    expect(PLAN.map((spec) => spec.id)).toEqual([
      ...pairs.map((pair) => `availability-${pair}`),
      ...pairs.map((pair) => `latency-p95-${pair}`),
      // 50% in <= 60 ms burns at most 2x: only the 0.933x ticket can fire.
      'latency-p50-ticket-3d-6h',
    ]);
  });

  // [period s, evaluation periods, datapoints to alarm, threshold, exact] for the long and the short window.
  it.each([
    ['availability-page-1h-5m', [3600, 1, 1, 0.01344, true], [300, 1, 1, 0.01344, true]],
    ['availability-page-6h-30m', [21_600, 1, 1, 0.0056, true], [1800, 1, 1, 0.0056, true]],
    ['availability-ticket-1d-2h', [86_400, 1, 1, 0.0028, true], [7200, 1, 1, 0.0028, true]],
    // 3 days cannot be one period: the published exact burn rate, above the factor.
    ['availability-ticket-3d-6h', [300, 2, 1, 0.933333333, true], [21_600, 1, 1, 0.000933333, true]],
    ['latency-p95-page-1h-5m', [3600, 1, 1, 0.672, true], [300, 1, 1, 0.672, true]],
    ['latency-p95-ticket-1d-2h', [86_400, 1, 1, 0.14, true], [7200, 1, 1, 0.14, true]],
    ['latency-p95-ticket-3d-6h', [300, 2, 1, 0.933333333, true], [21_600, 1, 1, 0.046666667, true]],
    ['latency-p50-ticket-3d-6h', [300, 2, 1, 0.933333333, true], [21_600, 1, 1, 0.466666667, true]],
  ])('%s: long %j, short %j', (id, long, short) => {
    expect(numbers(alarm(PLAN, id).long)).toEqual(long);
    expect(numbers(alarm(PLAN, id).short)).toEqual(short);
  });

  it('reads latency as slow 2xx / all 2xx on the stage and alias: TC(:threshold) over SampleCount', () => {
    const source = alarm(PLAN, 'latency-p95-page-1h-5m').long.source;
    const dimensions = { service: 'predictor', Stage: 'prod', Alias: 'live', StatusClass: '2xx' };
    expect(source).toEqual({
      kind: 'expression',
      expression: 'IF(FILL(successes, 0) > 0, (FILL(successes, 0) - FILL(fast, 0)) / FILL(successes, 0), 0)',
      metrics: {
        fast: { namespace: 'Shiftgate', metricName: 'Latency', dimensions, statistic: 'TC(:80)' },
        successes: { namespace: 'Shiftgate', metricName: 'Latency', dimensions, statistic: 'SampleCount' },
      },
    });
  });

  it('reads availability from the app (stage and alias) and from Lambda (the alias)', () => {
    const source = alarm(PLAN, 'availability-page-1h-5m').long.source;
    if (source.kind !== 'expression') throw new Error('availability should be metric math');
    // POST /predict only: the app's answers plus what never reached the app, not Lambda's Invocations.
    expect(Object.keys(source.metrics).sort()).toEqual([
      'clientErrors',
      'errors',
      'serverErrors',
      'successes',
      'throttles',
    ]);
    expect(source.expression).toBe(
      'IF((FILL(successes, 0) + FILL(clientErrors, 0) + FILL(serverErrors, 0) + FILL(errors, 0) + ' +
        'FILL(throttles, 0)) > 0, (FILL(serverErrors, 0) + FILL(errors, 0) + FILL(throttles, 0)) / ' +
        '(FILL(successes, 0) + FILL(clientErrors, 0) + FILL(serverErrors, 0) + FILL(errors, 0) + FILL(throttles, 0)), 0)',
    );
    expect(source.metrics.throttles?.dimensions).toEqual({
      FunctionName: 'predictor-prod',
      Resource: 'predictor-prod:live',
    });
    expect(source.metrics.serverErrors?.dimensions).toEqual({
      service: 'predictor',
      Stage: 'prod',
      Alias: 'live',
      StatusClass: '5xx',
    });
  });

  it('alarms on the published BurnRate of the 3-day window, per stage and SLO', () => {
    expect(alarm(PLAN, 'latency-p50-ticket-3d-6h').long.source).toEqual({
      kind: 'metric',
      metric: {
        namespace: 'Shiftgate',
        metricName: 'BurnRate',
        dimensions: { service: 'predictor', Stage: 'prod', Slo: 'latency-p50', Window: '3d' },
        statistic: 'Maximum',
      },
    });
  });

  it('keeps the time-sliced option: M of N slices above the percentile threshold, 3 days published', () => {
    const plan = sloAlarmPlan(timeSliced(), TARGET);
    expect(plan).toHaveLength(12);
    const p50 = alarm(plan, 'latency-p50-page-1h-5m');
    expect(numbers(p50.long)).toEqual([300, 12, 2, 60, true]);
    expect(numbers(p50.short)).toEqual([300, 1, 1, 60, true]);
    expect(p50.long.source).toMatchObject({ kind: 'metric', metric: { statistic: 'p50' } });
    expect(numbers(alarm(plan, 'latency-p95-ticket-1d-2h').long)).toEqual([300, 288, 9, 80, true]);
    expect(alarm(plan, 'latency-p95-ticket-3d-6h').long.source).toMatchObject({
      metric: { metricName: 'BurnRate' },
    });
  });

  it('refuses at synth time a window CloudWatch could not evaluate, naming the alarm and the fix', () => {
    const odd = timeSliced();
    odd.objectives = odd.objectives.map((slo) => ({ ...slo, timeSliceWindow: slo.timeSliceWindow && '7m' }));
    expect(() => sloAlarmPlan(odd, TARGET)).toThrow(
      'Cannot build CloudWatch alarm latency-p95-page-1h-5m-long: window is not a whole number of 420s periods',
    );
  });
});

describe('missing-data alarms', () => {
  it('fires when the alias is invoked but the app publishes nothing for the stage', () => {
    const [appMissing, ...rest] = missingDataAlarmPlan(SLO_DEFINITION, TARGET);
    expect(rest).toEqual([]);
    expect(appMissing).toMatchObject({
      id: 'app-metrics-missing',
      periodSeconds: 3600,
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      treatMissingData: 'notBreaching',
    });
    if (appMissing?.source.kind !== 'expression') throw new Error('expected metric math');
    expect(appMissing.source.expression).toBe(
      'IF(FILL(invocations, 0) >= 61, IF((FILL(app2xx, 0) + FILL(app4xx, 0) + FILL(app5xx, 0)) == 0, 1, 0), 0)',
    );
    expect(appMissing.source.metrics.app4xx?.dimensions).toMatchObject({ Stage: 'prod', Alias: 'live' });
  });

  it('fires on no invocations at all only where traffic is expected, missing data breaching', () => {
    const specs = missingDataAlarmPlan(SLO_DEFINITION, TARGET, { expectInvocationsWithin: '1h' });
    expect(specs[1]).toMatchObject({
      id: 'invocations-missing',
      source: { kind: 'metric', metric: { metricName: 'Invocations', statistic: 'Sum' } },
      periodSeconds: 3600,
      comparison: 'LessThanThreshold',
      threshold: 1,
      treatMissingData: 'breaching',
    });
    expect(() => missingDataAlarmPlan(SLO_DEFINITION, TARGET, { expectInvocationsWithin: '2d' })).toThrow(
      "expectInvocationsWithin '2d' is longer than CloudWatch's one-day alarm period; use at most 1d",
    );
  });
});
