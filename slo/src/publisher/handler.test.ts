import {
  CloudWatchClient,
  GetMetricDataCommand,
  PutMetricDataCommand,
  type PutMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { answerGetMetricData, type Scenario } from '../testing/cloudwatch-fake.ts';
import { readPublisherConfig } from './config.ts';
import { createPublisher } from './handler.ts';

const cloudWatch = mockClient(CloudWatchClient);
const NOW = new Date('2026-11-29T12:05:20Z');
const CONFIG = { functionName: 'predictor-prod', aliasName: 'live', stage: 'prod', namespace: 'Shiftgate' };
const THREE_DAYS = (3 * 24 * 60) / 5;

/** 1000 requests per period; in the last 3 days 0.2% fail and 10% of 2xx are over 80 ms (60% over 60 ms). */
const month = (old: number, recent: number) => (_start: number, fromEnd: number) =>
  fromEnd < THREE_DAYS ? recent : old;
const INCIDENT: Scenario = {
  invocations: () => 1000,
  errors: () => 0,
  throttles: () => 0,
  serverErrors: month(0, 2),
  successes: month(1000, 998),
  clientErrors: () => 0,
  latency1: month(1000, 898.2),
  latency2: month(1000, 399.2),
};

function recorder() {
  const lines: { level: string; message: string; attributes: Record<string, unknown> }[] = [];
  return {
    lines,
    log: {
      info: (message: string, attributes: Record<string, unknown>) =>
        lines.push({ level: 'info', message, attributes }),
      warn: (message: string, attributes: Record<string, unknown>) =>
        lines.push({ level: 'warn', message, attributes }),
    },
  };
}

function publisher(log = recorder().log) {
  return createPublisher({
    config: CONFIG,
    client: new CloudWatchClient({ region: 'ap-northeast-1' }),
    log,
    now: () => NOW,
  });
}

function published(): PutMetricDataCommandInput[] {
  return cloudWatch.commandCalls(PutMetricDataCommand).map((call) => call.args[0].input);
}

function datum(input: PutMetricDataCommandInput | undefined, metricName: string, slo: string) {
  return input?.MetricData?.find(
    (d) =>
      d.MetricName === metricName && d.Dimensions?.some((dim) => dim.Name === 'Slo' && dim.Value === slo),
  );
}

describe('SLO publisher handler', () => {
  beforeEach(() => {
    cloudWatch.reset();
    cloudWatch.on(PutMetricDataCommand).resolves({});
  });

  it('publishes the exact 3-day burn rate of every SLO that alarms on it, and the budget left', async () => {
    const calls = answerGetMetricData(cloudWatch, INCIDENT);
    const summary = await publisher()();
    // The window ends at the last whole 5-minute period at least SETTLE_MINUTES before the run.
    expect(calls[0]?.EndTime?.toISOString()).toBe('2026-11-29T12:00:00.000Z');
    // Only 5-minute series: the two 28-day percentile queries the report prints are never requested.
    const queries = calls.flatMap((call) => call.MetricDataQueries ?? []);
    expect(queries.map((query) => query.Id)).toEqual(expect.arrayContaining(['latency1', 'latency2']));
    expect(queries.filter((query) => query.MetricStat?.Period !== 300)).toEqual([]);
    expect(queries.filter((query) => query.MetricStat?.Stat?.startsWith('p'))).toEqual([]);
    expect(summary).toEqual({ published: 6, skipped: [] });
    const [input, ...more] = published();
    expect(more).toEqual([]);
    expect(input?.Namespace).toBe('Shiftgate');
    const burn = datum(input, 'BurnRate', 'availability');
    expect(burn?.Dimensions).toEqual([
      { Name: 'service', Value: 'predictor' },
      { Name: 'Stage', Value: 'prod' },
      { Name: 'Slo', Value: 'availability' },
      { Name: 'Window', Value: '3d' },
    ]);
    expect(burn?.Timestamp).toEqual(NOW);
    // 0.2% failing against a 0.1% budget: 2x.
    expect(burn?.Value).toBeCloseTo(2, 9);
    // 10% slow against 5%: 2x; 60% slower than 60 ms against 50%: 1.2x.
    expect(datum(input, 'BurnRate', 'latency-p95')?.Value).toBeCloseTo(0.1 / 0.05, 9);
    expect(datum(input, 'BurnRate', 'latency-p50')?.Value).toBeCloseTo(0.6 / 0.5, 9);
    // 3 of 28 days at 2x: 1 - 6/28 of the availability budget left.
    expect(datum(input, 'ErrorBudgetRemaining', 'availability')?.Value).toBeCloseTo(1 - 6 / 28, 6);
    expect(datum(input, 'ErrorBudgetRemaining', 'availability')?.Dimensions).toHaveLength(3);
  });

  it('publishes nothing for an SLO without data, and logs why', async () => {
    const { latency1: _fast80, latency2: _fast60, successes: _ok, ...availabilityOnly } = INCIDENT;
    answerGetMetricData(cloudWatch, availabilityOnly);
    const { lines, log } = recorder();
    const summary = await publisher(log)();
    expect(summary.published).toBe(2);
    expect(published()[0]?.MetricData?.map((d) => d.MetricName)).toEqual([
      'ErrorBudgetRemaining',
      'BurnRate',
    ]);
    const warnings = lines.filter((line) => line.level === 'warn').map((line) => line.attributes);
    expect(warnings).toEqual([
      {
        sloName: 'latency-p95',
        reason: expect.stringContaining('no data in the 28d window ending 2026-11-29T12:00'),
      },
      { sloName: 'latency-p50', reason: expect.stringContaining('nothing published') },
    ]);
  });

  it('skips a 3-day burn rate when only older data exists', async () => {
    const old = (_start: number, fromEnd: number) => (fromEnd >= THREE_DAYS ? 1000 : undefined);
    answerGetMetricData(cloudWatch, { invocations: old, successes: old, latency1: old, latency2: old });
    const summary = await publisher()();
    expect(summary.published).toBe(3);
    expect(summary.skipped.map((skip) => skip.reason)).toEqual([
      'no data in the last 3d: no 3d burn rate published',
      'no data in the last 3d: no 3d burn rate published',
      'no data in the last 3d: no 3d burn rate published',
    ]);
  });

  it('calls PutMetricData not at all when there is no data', async () => {
    answerGetMetricData(cloudWatch, {});
    expect(await publisher()()).toMatchObject({ published: 0 });
    expect(published()).toEqual([]);
  });

  it('throws with the cause when CloudWatch refuses to read', async () => {
    const denied = new Error('User is not authorized to perform: cloudwatch:GetMetricData');
    cloudWatch.on(GetMetricDataCommand).rejects(denied);
    const error = await publisher()().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'Reading the SLO series of predictor-prod:live (Stage=prod) failed',
    );
    expect((error as Error).cause).toBe(denied);
    expect(published()).toEqual([]);
  });

  it('throws with the cause when PutMetricData fails', async () => {
    answerGetMetricData(cloudWatch, INCIDENT);
    const throttled = new Error('Rate exceeded');
    cloudWatch.on(PutMetricDataCommand).rejects(throttled);
    const error = await publisher()().catch((e: unknown) => e);
    expect((error as Error).message).toBe('PutMetricData of 6 SLO metrics to Shiftgate failed');
    expect((error as Error).cause).toBe(throttled);
  });
});

describe('publisher configuration', () => {
  const ENV = {
    SLO_FUNCTION_NAME: 'predictor-prod',
    SLO_ALIAS: 'live',
    SLO_STAGE: 'prod',
    SLO_NAMESPACE: 'Shiftgate',
  };

  it('reads the four variables', () => {
    expect(readPublisherConfig(ENV)).toEqual(CONFIG);
  });

  it('names every missing or malformed variable at once', () => {
    expect(() => readPublisherConfig({ ...ENV, SLO_STAGE: ' ', SLO_ALIAS: 'live alias' })).toThrow(
      "SLO publisher configuration: SLO_ALIAS is 'live alias'; use letters, digits and . _ / : - only; " +
        'SLO_STAGE is not set; infra sets it to the stage of the SLO to publish',
    );
  });
});
