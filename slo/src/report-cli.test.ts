import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, runReportCli } from './report-cli.ts';

const PERIOD_MS = 5 * 60_000;
const END = new Date('2026-11-29T00:03:00Z');
const WINDOW_END = Date.UTC(2026, 10, 29, 0, 0);
const WINDOW_PERIODS = (28 * 24 * 60) / 5;
const cloudWatch = mockClient(CloudWatchClient);

/** What CloudWatch holds for each query id, as a value per period start (undefined: no datapoint). */
type Scenario = Record<string, (start: number, indexFromEnd: number) => number | undefined>;

/** Answers GetMetricData from a scenario, newest last, split over two pages like the real API does. */
function cloudWatchHolds(scenario: Scenario): GetMetricDataCommandInput[] {
  const calls: GetMetricDataCommandInput[] = [];
  cloudWatch.on(GetMetricDataCommand).callsFake((request: GetMetricDataCommandInput) => {
    calls.push(request);
    const start = request.StartTime?.getTime() ?? 0;
    const end = request.EndTime?.getTime() ?? 0;
    const periods = Array.from({ length: (end - start) / PERIOD_MS }, (_, i) => start + i * PERIOD_MS);
    const half = Math.floor(periods.length / 2);
    const page = request.NextToken === undefined ? periods.slice(0, half) : periods.slice(half);
    return {
      NextToken: request.NextToken === undefined ? 'page-2' : undefined,
      MetricDataResults: (request.MetricDataQueries ?? []).map((query) => {
        const points = page
          .map((periodStart) => [
            periodStart,
            scenario[query.Id ?? '']?.(periodStart, (end - periodStart) / PERIOD_MS - 1),
          ])
          .filter((point): point is [number, number] => point[1] !== undefined);
        return {
          Id: query.Id,
          StatusCode: 'Complete',
          Timestamps: points.map(([periodStart]) => new Date(periodStart)),
          Values: points.map(([, value]) => value),
        };
      }),
    };
  });
  return calls;
}

function fakeIo() {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  const io: CliIo = {
    env: {},
    now: () => END,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    makeClient: () => new CloudWatchClient({ region: 'ap-northeast-1' }),
    writeFileAtomic: async (path, text) => {
      files.set(path, text);
    },
  };
  return { io, out, err, files };
}

const ARGS = ['--function-name', 'predictor-fn', '--format', 'json'];

/** Steady traffic with a night every day: 00:00-06:00 has no requests and no datapoints at all. */
const quietAtNight = (start: number) => new Date(start).getUTCHours() < 6;
const HEALTHY: Scenario = {
  invocations: (start) => (quietAtNight(start) ? undefined : 600),
  serverErrors: (start, fromEnd) => (quietAtNight(start) ? undefined : fromEnd % 10 === 0 ? 1 : 0),
  errors: (start) => (quietAtNight(start) ? undefined : 0),
  throttles: (start) => (quietAtNight(start) ? undefined : 0),
  latency1: (start) => (quietAtNight(start) ? undefined : 48),
  latency2: (start) => (quietAtNight(start) ? undefined : 25),
};

function parsed(out: string[]) {
  return JSON.parse(out.join(''));
}

describe('npm run slo:report', () => {
  beforeEach(() => cloudWatch.reset());

  it('asks CloudWatch for every SLI series over the 28 days ending at the last whole 5-minute period', async () => {
    const calls = cloudWatchHolds(HEALTHY);
    const { io } = fakeIo();
    await runReportCli(ARGS, io);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.NextToken).toBe('page-2');
    expect(calls[0]?.EndTime?.getTime()).toBe(WINDOW_END);
    expect(calls[0]?.StartTime?.getTime()).toBe(WINDOW_END - WINDOW_PERIODS * PERIOD_MS);
    expect(
      calls[0]?.MetricDataQueries?.map((query) => [
        query.Id,
        query.MetricStat?.Stat,
        query.MetricStat?.Period,
      ]),
    ).toEqual([
      ['serverErrors', 'SampleCount', 300],
      ['errors', 'Sum', 300],
      ['throttles', 'Sum', 300],
      ['invocations', 'Sum', 300],
      ['latency1', 'p95', 300],
      ['latency2', 'p50', 300],
    ]);
  });

  it('reports a healthy month with quiet nights (gaps) as within budget and exits 0', async () => {
    cloudWatchHolds(HEALTHY);
    const { io, out } = fakeIo();
    expect(await runReportCli(ARGS, io)).toBe(0);
    const report = parsed(out);
    const [availability, p95] = report.slos;
    expect(availability.attainment).toBeCloseTo(0.99983, 4);
    expect(availability.budgetRemaining).toBeGreaterThan(0.8);
    // Night slices have no data: they hurt nobody, so they are not bad.
    expect(p95).toMatchObject({ attainment: 1, bad: 0, measuredPeriods: 28 * 18 * 12 });
    expect(report.budgetExhausted).toBe(false);
  });

  it('exits 3 (release freeze) after an outage that spends the availability budget, and pages', async () => {
    const outage = (fromEnd: number) => fromEnd < 36; // the last 3 hours: every request fails
    cloudWatchHolds({
      ...HEALTHY,
      invocations: () => 600,
      serverErrors: (_start, fromEnd) => (outage(fromEnd) ? 400 : 0),
      errors: (_start, fromEnd) => (outage(fromEnd) ? 200 : 0),
    });
    const { io, out, files } = fakeIo();
    expect(await runReportCli([...ARGS, '--json-file', 'report.json'], io)).toBe(3);
    const availability = parsed(out).slos[0];
    expect(availability.budgetExhausted).toBe(true);
    expect(availability.firingAlerts).toContain('page-1h-5m');
    expect(JSON.parse(files.get('report.json') ?? '{}').budgetExhausted).toBe(true);
  });

  it('reports zero traffic as no data, never 100%, in markdown too, and exits 0', async () => {
    cloudWatchHolds({});
    const { io, out } = fakeIo();
    expect(await runReportCli(['--function-name', 'predictor-fn'], io)).toBe(0);
    const markdown = out.join('');
    expect(markdown).toContain('| availability | 99.9% | no data | no data | 0 / 0 requests |');
    expect(markdown).not.toContain('100%');
  });

  it('reports a partial window (first data 26 hours ago) without inventing the missing days', async () => {
    const young = (value: number) => (_start: number, fromEnd: number) =>
      fromEnd < 26 * 12 ? value : undefined;
    cloudWatchHolds({
      invocations: young(600),
      serverErrors: young(0),
      errors: young(0),
      throttles: young(0),
      latency1: young(48),
      latency2: young(25),
    });
    const { io, out } = fakeIo();
    expect(await runReportCli(ARGS, io)).toBe(0);
    const availability = parsed(out).slos[0];
    expect(availability).toMatchObject({ total: 600 * 26 * 12, attainment: 1, budgetRemaining: 1 });
    // Slices are time: the budget counts all 8064 slices of 28 days; only the 312 measured ones can be bad.
    expect(parsed(out).slos[1]).toMatchObject({ measuredPeriods: 312, total: WINDOW_PERIODS, bad: 0 });
    expect(availability.burnRates.map((burn: { window: string }) => burn.window)).toEqual([
      '5m',
      '30m',
      '1h',
      '2h',
      '6h',
      '1d',
      '3d',
    ]);
  });

  it.each([
    [[], 'Missing --function-name'],
    [['--function-name', 'f', '--end', 'yesterday'], "--end 'yesterday' is not a date"],
    [['--function-name', 'f', '--format', 'yaml'], "--format 'yaml' is not supported"],
    [['--function-name', 'f', '--bogus'], "Unknown option '--bogus'"],
  ])('rejects %j with exit code 1 and the usage', async (args, message) => {
    const calls = cloudWatchHolds(HEALTHY);
    const { io, err } = fakeIo();
    expect(await runReportCli(args, io)).toBe(1);
    expect(err.join('')).toContain(message);
    expect(err.join('')).toContain('Usage: npm run slo:report');
    expect(calls).toHaveLength(0);
  });

  it('exits 1 naming the failure when CloudWatch refuses', async () => {
    cloudWatch
      .on(GetMetricDataCommand)
      .rejects(new Error('User is not authorized to perform: cloudwatch:GetMetricData'));
    const { io, err, out } = fakeIo();
    expect(await runReportCli(ARGS, io)).toBe(1);
    expect(err.join('')).toContain('not authorized to perform: cloudwatch:GetMetricData');
    expect(out).toEqual([]);
  });
});
