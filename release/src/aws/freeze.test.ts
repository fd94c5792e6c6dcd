import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { answerGetMetricData, type Scenario } from '../../../slo/src/testing/cloudwatch-fake.ts';
import { freezeFromSloReport } from './freeze.ts';

const client = new CloudWatchClient({ region: 'ap-northeast-1' });
const cloudWatch = mockClient(client);
const TARGET = { functionName: 'shiftgate-prod', stage: 'prod', aliasName: 'live' };
const NOW = new Date('2026-11-29T00:03:00Z');

/** 600 requests per 5 minutes: 589 2xx (580 within 80 ms, 400 within 60 ms), 10 4xx, a 5xx now and then. */
const HEALTHY: Scenario = {
  invocations: () => 600,
  serverErrors: (_start, fromEnd) => (fromEnd % 10 === 0 ? 1 : 0),
  errors: () => 0,
  throttles: () => 0,
  successes: () => 589,
  clientErrors: () => 10,
  latency1: () => 580,
  windowPercentile1: () => 62.5,
  latency2: () => 400,
  windowPercentile2: () => 41,
};

beforeEach(() => cloudWatch.reset());

describe('freezeFromSloReport', () => {
  it('reads the error-budget report for live over the SLO window ending now: budgets left, no freeze', async () => {
    const calls = answerGetMetricData(cloudWatch, HEALTHY);
    const status = await freezeFromSloReport(client, TARGET, NOW);
    expect(status).toMatchObject({ checked: true, frozen: false });
    expect(status.checked && status.detail).toMatch(
      /^every error budget has some left over the 28d window ending 2026-11-29T00:00:00.000Z: availability \d+(\.\d)?% of its budget left \(attainment/,
    );
    expect(calls[0]?.MetricDataQueries?.[0]?.MetricStat?.Metric?.Dimensions).toContainEqual({
      Name: 'Alias',
      Value: 'live',
    });
  });

  it('freezes after an outage that overspent the availability budget, saying which and by how much', async () => {
    const outage = (fromEnd: number) => fromEnd < 36;
    answerGetMetricData(cloudWatch, {
      ...HEALTHY,
      serverErrors: (_start, fromEnd) => (outage(fromEnd) ? 400 : 0),
      errors: (_start, fromEnd) => (outage(fromEnd) ? 200 : 0),
    });
    const status = await freezeFromSloReport(client, TARGET, NOW);
    expect(status).toMatchObject({ checked: true, frozen: true });
    const detail = status.checked ? status.detail : '';
    expect(detail).toMatch(
      /^error budget overspent over the 28d window .*: availability overspent by \d+(\.\d)?% of its budget/,
    );
    expect(detail).not.toContain('latency-p95');
  });

  it('says why it could not check when the report cannot trust its data (no invocations at all)', async () => {
    answerGetMetricData(cloudWatch, {});
    const status = await freezeFromSloReport(client, TARGET, NOW);
    expect(status).toEqual({
      checked: false,
      why: expect.stringContaining('Lambda recorded no invocation of shiftgate-prod:live in ap-northeast-1'),
    });
  });

  it('throws when CloudWatch cannot be read, naming the function, the way past it, and the cause', async () => {
    const denied = Object.assign(new Error('not authorized to perform: cloudwatch:GetMetricData'), {
      name: 'AccessDenied',
    });
    cloudWatch.on(GetMetricDataCommand).rejects(denied);
    const error = await freezeFromSloReport(client, TARGET, NOW).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^the release freeze cannot be checked: reading the error-budget report of shiftgate-prod \(stage prod\) from CloudWatch failed \(not authorized.*--override-freeze REASON$/,
    );
    expect((error as Error).cause).toBe(denied);
  });
});
