/**
 * versionMetrics on AWS against a mocked CloudWatch: the queries come from version-metric-sources.ts at one
 * whole-minute period over the range, pages are merged per id, and late or partial data reads as the module
 * says (zeros and nulls for nothing yet; an IncompleteMetricsError for what CloudWatch marks incomplete).
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { metricDataQuery } from '../../../slo/src/cloudwatch-series.ts';
import { SLO_DEFINITION } from '../../../slo/src/definition.ts';
import { versionMetricSources } from '../version-metric-sources.ts';
import { AwsCallError } from './aws-call.ts';
import { IncompleteMetricsError, readVersionMetrics } from './aws-version-metrics.ts';

const client = new CloudWatchClient({ region: 'eu-west-1' });
const cloudWatch = mockClient(client);
const FUNCTION = 'shiftgate-prod';
// 12:00:30 to 12:05:10: widened to 12:00 to 12:06, one 360 s period.
const range = { start: new Date('2026-11-30T12:00:30Z'), end: new Date('2026-11-30T12:05:10Z') };
const read = (via: 'live' | 'version' = 'live') =>
  readVersionMetrics(client, {
    definition: SLO_DEFINITION,
    functionName: FUNCTION,
    stage: 'prod',
    version: '8',
    range,
    via,
  });

const point = (id: string, ...values: number[]): MetricDataResult => ({
  Id: id,
  StatusCode: 'Complete',
  Timestamps: values.map(() => new Date('2026-11-30T12:00:00Z')),
  Values: values,
});

beforeEach(() => cloudWatch.reset());

describe('AwsPlatform versionMetrics (GetMetricData)', () => {
  it('sends the sources of version-metric-sources.ts at one whole-minute period covering the range', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    await read('live');
    const input = cloudWatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(input?.StartTime).toEqual(new Date('2026-11-30T12:00:00Z'));
    expect(input?.EndTime).toEqual(new Date('2026-11-30T12:06:00Z'));
    const sources = versionMetricSources(SLO_DEFINITION, {
      functionName: FUNCTION,
      stage: 'prod',
      version: '8',
      via: 'live',
    });
    const ids = [
      'invocations',
      'errors',
      'throttles',
      'spillover',
      'successes',
      'clientErrors',
      'serverErrors',
    ];
    const percentiles = ['durationP50', 'durationP95', 'latencyP50', 'latencyP95'];
    expect(input?.MetricDataQueries).toEqual(
      [...ids, ...percentiles].map((id) => metricDataQuery(id, sources[id] as never, 360)),
    );
    // Through the alias, Lambda's figures are the alias's Resource with ExecutedVersion.
    expect(input?.MetricDataQueries?.[0]?.MetricStat?.Metric?.Dimensions).toEqual([
      { Name: 'FunctionName', Value: FUNCTION },
      { Name: 'Resource', Value: `${FUNCTION}:live` },
      { Name: 'ExecutedVersion', Value: '8' },
    ]);
  });

  it("reads the version's own qualifier under via version", async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    await read('version');
    const input = cloudWatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(input?.MetricDataQueries?.[0]?.MetricStat?.Metric?.Dimensions).toEqual([
      { Name: 'FunctionName', Value: FUNCTION },
      { Name: 'Resource', Value: `${FUNCTION}:8` },
    ]);
  });

  it('maps each id onto its field, sums counts over every page and datapoint, and keeps percentiles', async () => {
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          point('invocations', 100, 20),
          point('errors', 2),
          { ...point('successes', 90), StatusCode: 'PartialData' },
          point('durationP95', 41.5),
        ],
        NextToken: 'more',
      })
      .resolvesOnce({
        MetricDataResults: [
          point('invocations', 5),
          point('throttles', 1),
          point('spillover', 3),
          point('successes', 4),
          point('clientErrors', 6),
          point('serverErrors', 7),
          point('durationP50', 12),
          point('latencyP50', 10),
          point('latencyP95', 38),
        ],
      });
    expect(await read()).toEqual({
      version: '8',
      via: 'live',
      range: { start: new Date('2026-11-30T12:00:00Z'), end: new Date('2026-11-30T12:06:00Z') },
      invocations: 125,
      errors: 2,
      throttles: 1,
      provisionedConcurrencySpilloverInvocations: 3,
      durationP50Ms: 12,
      durationP95Ms: 41.5,
      app: { requests2xx: 94, requests4xx: 6, requests5xx: 7, latencyP50Ms: 10, latencyP95Ms: 38 },
    });
    expect(cloudWatch.commandCalls(GetMetricDataCommand)[1]?.args[0].input.NextToken).toBe('more');
  });

  it('reads metrics that have not arrived (no datapoints) as 0 counts and null percentiles', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: ['invocations', 'durationP95', 'latencyP95'].map((id) => ({
        Id: id,
        StatusCode: 'Complete',
        Timestamps: [],
        Values: [],
      })),
    });
    expect(await read()).toMatchObject({
      invocations: 0,
      errors: 0,
      durationP50Ms: null,
      durationP95Ms: null,
      app: { requests2xx: 0, latencyP95Ms: null },
    });
  });

  it('refuses figures CloudWatch marks PartialData on its last page, naming the series', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        point('invocations', 10),
        {
          ...point('latencyP95', 30),
          StatusCode: 'PartialData',
          Messages: [{ Code: 'MaxQueryTimeRangeExceed', Value: 'partial' }],
        },
      ],
    });
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IncompleteMetricsError);
    expect((error as Error).message).toContain('latencyP95 PartialData (MaxQueryTimeRangeExceed partial)');
    expect((error as Error).message).toContain('read the same range again');
  });

  it('refuses a series that failed (InternalError) on any page', async () => {
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: 'errors', StatusCode: 'InternalError' }], NextToken: 'n' })
      .resolvesOnce({ MetricDataResults: [point('errors', 1)] });
    await expect(read()).rejects.toThrow(/errors InternalError/);
  });

  it('refuses two percentile datapoints in the one period rather than merge them', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [point('durationP95', 40, 50)] });
    await expect(read()).rejects.toThrow(/2 datapoints for durationP95/);
  });

  it('surfaces a throttled GetMetricData naming the call and the version', async () => {
    cloudWatch
      .on(GetMetricDataCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { attempts: 5 } }));
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as Error).message).toMatch(
      /^GetMetricData for shiftgate-prod:8 \(via live\) failed after 5/,
    );
  });
});
