import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, runReportCli, USAGE } from './report-cli.ts';
import { answerGetMetricData, PERIOD_MS, type Scenario } from './testing/cloudwatch-fake.ts';

const END = new Date('2026-11-29T00:03:00Z');
const WINDOW_END = Date.UTC(2026, 10, 29, 0, 0);
const WINDOW_PERIODS = (28 * 24 * 60) / 5;
const cloudWatch = mockClient(CloudWatchClient);

const cloudWatchHolds = (scenario: Scenario) => answerGetMetricData(cloudWatch, scenario);

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

const ARGS = ['--function-name', 'predictor-fn', '--stage', 'prod', '--format', 'json'];

/** Steady traffic with a night every day: 00:00-06:00 has no requests and no datapoints at all. */
const quietAtNight = (start: number) => new Date(start).getUTCHours() < 6;
const daytime = (value: number) => (start: number) => (quietAtNight(start) ? undefined : value);
/** 600 requests per daytime period: 590 2xx (580 within 80 ms, 400 within 60 ms), 10 4xx, a 5xx now and then. */
const HEALTHY: Scenario = {
  invocations: daytime(600),
  serverErrors: (start, fromEnd) => (quietAtNight(start) ? undefined : fromEnd % 10 === 0 ? 1 : 0),
  errors: daytime(0),
  throttles: daytime(0),
  successes: daytime(589),
  clientErrors: daytime(10),
  latency1: daytime(580),
  windowPercentile1: () => 62.5,
  latency2: daytime(400),
  windowPercentile2: () => 41,
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
      ['successes', 'SampleCount', 300],
      ['clientErrors', 'SampleCount', 300],
      ['serverErrors', 'SampleCount', 300],
      ['errors', 'Sum', 300],
      ['throttles', 'Sum', 300],
      ['invocations', 'Sum', 300],
      ['windowPercentile1', 'p95', 2_419_200],
      ['latency1', 'TC(:80)', 300],
      ['windowPercentile2', 'p50', 2_419_200],
      ['latency2', 'TC(:60)', 300],
    ]);
    expect(calls[0]?.MetricDataQueries?.[2]?.MetricStat?.Metric?.Dimensions).toEqual([
      { Name: 'service', Value: 'predictor' },
      { Name: 'Stage', Value: 'prod' },
      { Name: 'Alias', Value: 'live' },
      { Name: 'StatusClass', Value: '5xx' },
    ]);
  });

  it('reports a healthy month with quiet nights (gaps) as within budget and exits 0', async () => {
    cloudWatchHolds(HEALTHY);
    const { io, out } = fakeIo();
    expect(await runReportCli(ARGS, io)).toBe(0);
    const report = parsed(out);
    const [availability, p95, p50] = report.slos;
    expect(availability.attainment).toBeCloseTo(0.99983, 4);
    expect(availability.budgetRemaining).toBeGreaterThan(0.8);
    // Night periods have no requests: they hurt nobody and count for nothing.
    expect(p95).toMatchObject({
      measuredPeriods: 28 * 18 * 12,
      windowPercentile: { percentile: 95, ms: 62.5 },
    });
    expect(p95.attainment).toBeCloseTo(580 / 589.1, 3);
    expect(p50.windowPercentile).toEqual({ percentile: 50, ms: 41 });
    expect(report.budgetExhausted).toBe(false);
    expect(report.dataProblems).toEqual([]);
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

  it('exits 2, naming region, function and alias, when the alias had no invocation at all', async () => {
    cloudWatchHolds({});
    const { io, out, err } = fakeIo();
    expect(await runReportCli(['--function-name', 'predictor-fn', '--stage', 'prod'], io)).toBe(2);
    const markdown = out.join('');
    expect(markdown).toContain('| availability | 99.9% | no data | no data | 0 / 0 requests | - |');
    expect(markdown).not.toContain('100%');
    expect(err.join('')).toContain(
      'Lambda recorded no invocation of predictor-fn:live in ap-northeast-1 in the 28d window: check --region',
    );
  });

  it('exits 2 when Lambda was invoked but the app published nothing for the stage (wrong --stage?)', async () => {
    cloudWatchHolds({ invocations: daytime(600), errors: daytime(0), throttles: daytime(0) });
    const { io, err } = fakeIo();
    expect(await runReportCli(ARGS, io)).toBe(2);
    expect(err.join('')).toContain('the app published no Shiftgate/Latency with Stage=prod, Alias=live');
  });

  it('exits 2, naming the SLOs, when the app answered only 4xx: the latency SLOs measured nothing', async () => {
    const { successes: _none, latency1: _fast80, latency2: _fast60, ...rejected } = HEALTHY;
    cloudWatchHolds({ ...rejected, clientErrors: daytime(599) });
    const { io, out, err } = fakeIo();
    expect(await runReportCli(ARGS, io)).toBe(2);
    const report = parsed(out);
    expect(report.slos[1]).toMatchObject({ name: 'latency-p95', attainment: null, budgetExhausted: false });
    expect(report.dataProblems).toEqual([
      expect.stringContaining("SLO 'latency-p95' has no measured request in the 28d window"),
      expect.stringContaining("SLO 'latency-p50' has no measured request in the 28d window"),
    ]);
    expect(report.dataProblemKinds).toEqual(['unmeasured-slo:latency-p95', 'unmeasured-slo:latency-p50']);
    expect(err.join('')).toContain(
      'the app answered POST /predict with no 2xx (Shiftgate/Latency with Stage=prod, Alias=live), only 4xx or 5xx',
    );
  });

  it('reads function, stage and alias from SLO_FUNCTION_NAME, SLO_STAGE and SLO_ALIAS', async () => {
    const calls = cloudWatchHolds(HEALTHY);
    const { io } = fakeIo();
    const env = { SLO_FUNCTION_NAME: 'predictor-fn', SLO_STAGE: 'dev', SLO_ALIAS: 'canary' };
    expect(await runReportCli([], { ...io, env })).toBe(0);
    expect(calls[0]?.MetricDataQueries?.[0]?.MetricStat?.Metric?.Dimensions).toEqual([
      { Name: 'service', Value: 'predictor' },
      { Name: 'Stage', Value: 'dev' },
      { Name: 'Alias', Value: 'canary' },
      { Name: 'StatusClass', Value: '2xx' },
    ]);
    expect(calls[0]?.MetricDataQueries?.[4]?.MetricStat?.Metric?.Dimensions).toEqual([
      { Name: 'FunctionName', Value: 'predictor-fn' },
      { Name: 'Resource', Value: 'predictor-fn:canary' },
    ]);
  });

  it('exits 2 when the app counts more requests than Lambda invoked (another stage mixed in)', async () => {
    cloudWatchHolds({ ...HEALTHY, successes: daytime(1178) });
    const { io, err } = fakeIo();
    expect(await runReportCli(ARGS, io)).toBe(2);
    expect(err.join('')).toContain('metrics of another stage or alias are mixed in');
  });

  it('reports a partial window (first data 26 hours ago) without inventing the missing days', async () => {
    const young = (value: number) => (_start: number, fromEnd: number) =>
      fromEnd < 26 * 12 ? value : undefined;
    cloudWatchHolds({
      invocations: young(600),
      serverErrors: young(0),
      errors: young(0),
      throttles: young(0),
      successes: young(600),
      latency1: young(600),
      latency2: young(600),
    });
    const { io, out } = fakeIo();
    expect(await runReportCli(ARGS, io)).toBe(0);
    const availability = parsed(out).slos[0];
    expect(availability).toMatchObject({ total: 600 * 26 * 12, attainment: 1, budgetRemaining: 1 });
    expect(parsed(out).slos[1]).toMatchObject({ measuredPeriods: 312, total: 600 * 312, bad: 0 });
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
    [['--stage', 'prod'], 'Missing --function-name'],
    [['--function-name', 'f'], 'Missing --stage (or environment variable SLO_STAGE)'],
    [['--function-name', 'f', '--stage', 'prod', '--end', 'yesterday'], "--end 'yesterday' is not a date"],
    [['--function-name', 'f', '--stage', 'prod', '--format', 'yaml'], "--format 'yaml' is not supported"],
    [['--function-name', 'f', '--stage', 'prod', '--bogus'], "Unknown option '--bogus'"],
  ])('rejects %j with exit code 1 and the usage', async (args, message) => {
    const calls = cloudWatchHolds(HEALTHY);
    const { io, err } = fakeIo();
    expect(await runReportCli(args, io)).toBe(1);
    expect(err.join('')).toContain(message);
    expect(err.join('')).toContain('Usage: npm run slo:report');
    expect(calls).toHaveLength(0);
  });

  it.each([[['--help']], [['-h']], [['--function-name', 'f', '--help']]])(
    'prints the usage to stdout and exits 0 for %j, reading nothing',
    async (args) => {
      const calls = cloudWatchHolds(HEALTHY);
      const { io, out, err } = fakeIo();
      expect(await runReportCli(args, io)).toBe(0);
      expect(out.join('')).toBe(`${USAGE}\n`);
      expect(err).toEqual([]);
      expect(calls).toHaveLength(0);
    },
  );

  it('names the required flags first in the usage, not among the options', () => {
    const [synopsis] = USAGE.split('\n');
    expect(synopsis).toBe('Usage: npm run slo:report -- --function-name NAME --stage NAME [options]');
    const required = USAGE.slice(USAGE.indexOf('Required'), USAGE.indexOf('Options:'));
    expect(required).toContain('--function-name NAME');
    expect(required).toContain('--stage NAME');
    expect(USAGE.slice(USAGE.indexOf('Options:'))).not.toMatch(/--(function-name|stage) NAME/);
    expect(USAGE).toContain('-h, --help');
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
