import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { fetchReportInput } from './cloudwatch-series.ts';
import { SLO_DEFINITION, type SloDefinition } from './definition.ts';
import { buildReport } from './report.ts';
import { answerFromTraffic, MINUTE_MS, type Minute, type Traffic } from './testing/cloudwatch-simulator.ts';
import { timeSliced } from './testing/time-sliced.ts';

const cloudWatch = mockClient(CloudWatchClient);
const END = Date.UTC(2026, 10, 29, 12, 0);
const TARGET = { functionName: 'predictor-prod', aliasName: 'live', stage: 'prod' };
const SCOPE = { ...TARGET, region: 'ap-northeast-1' };

/** The last hour: 100 requests a minute; in its second half 10 of them take 200 ms, the rest 50 ms. */
const LAST_HOUR: Traffic = {
  start: END - 60 * MINUTE_MS,
  stage: 'prod',
  alias: 'live',
  minutes: Array.from({ length: 60 }, (_, i): Minute => {
    const slow = i >= 30 ? 10 : 0;
    return {
      invocations: 100,
      errors: 0,
      throttles: 0,
      responses: [
        { statusClass: '2xx', latencyMs: 50, count: 100 - slow },
        { statusClass: '2xx', latencyMs: 200, count: slow },
      ],
    };
  }),
};

async function report(definition: SloDefinition) {
  const client = new CloudWatchClient({ region: 'ap-northeast-1' });
  const input = await fetchReportInput(client, { definition, target: TARGET, end: new Date(END) });
  return buildReport(definition, input, SCOPE);
}

describe('the report over CloudWatch series (simulated from per-minute traffic)', () => {
  beforeEach(() => {
    cloudWatch.reset();
    answerFromTraffic(cloudWatch, LAST_HOUR);
  });

  it('counts slow successful requests for the objectives of record, with the window percentiles', async () => {
    const [availability, p95, p50] = (await report(SLO_DEFINITION)).slos;
    expect(availability).toMatchObject({ bad: 0, total: 6000 });
    // 300 of 6000 over 80 ms: exactly the 5% budget's share, and the 28-day p95 is still 50 ms.
    expect(p95).toMatchObject({ bad: 300, total: 6000, windowPercentile: { percentile: 95, ms: 50 } });
    expect(p95?.burnRates.find((burn) => burn.window === '30m')?.burnRate).toBeCloseTo(2, 9);
    expect(p50).toMatchObject({ bad: 300, windowPercentile: { percentile: 50, ms: 50 } });
  });

  it('keeps the time-sliced option: a slice is bad when its percentile is over the threshold', async () => {
    const [, p95, p50] = (await report(timeSliced())).slos;
    // Each of the last six 5-minute slices has p95 = 200 ms; the slices' budget is all 8064 of 28 days.
    expect(p95).toMatchObject({ unit: 'slices', bad: 6, total: 8064, measuredPeriods: 12 });
    expect(p50).toMatchObject({ bad: 0, measuredPeriods: 12 });
  });
});
