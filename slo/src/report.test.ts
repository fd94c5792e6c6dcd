import { describe, expect, it } from 'vitest';
import { SLO_DEFINITION } from './definition.ts';
import {
  buildReport,
  EXIT_BUDGET_EXHAUSTED,
  EXIT_DATA_PROBLEM,
  EXIT_OK,
  type ReportInput,
  reportExitCode,
} from './report.ts';
import { renderJson, renderMarkdown } from './report-render.ts';

const PERIOD_MS = 5 * 60_000;
const END = Date.UTC(2026, 10, 29, 0, 0);
const WINDOW_PERIODS = (28 * 24 * 60) / 5;
const SCOPE = { region: 'ap-northeast-1', functionName: 'predictor-prod', aliasName: 'live', stage: 'prod' };

/** Period starts of the last `count` periods before END, oldest first. */
function lastPeriods(count: number): number[] {
  return Array.from({ length: count }, (_, i) => END - (count - i) * PERIOD_MS);
}

type PerPeriod = (start: number) => number;

/**
 * Series over `starts`: POST /predict requests per period, 5xx, Lambda errors, 2xx within 80 ms / 60 ms, and
 * /health probes (Lambda invocations that publish no app metric).
 */
function input(parts: {
  starts: number[];
  requests?: PerPeriod;
  healthProbes?: PerPeriod;
  serverErrors?: PerPeriod;
  lambdaErrors?: PerPeriod;
  within80?: PerPeriod;
  within60?: PerPeriod;
}): ReportInput {
  const series = (value: PerPeriod | undefined) =>
    new Map(value === undefined ? [] : parts.starts.map((start) => [start, value(start)]));
  const successes = (start: number) =>
    (parts.requests?.(start) ?? 0) - (parts.serverErrors?.(start) ?? 0) - (parts.lambdaErrors?.(start) ?? 0);
  return {
    windowEnd: END,
    availability: {
      serverErrors: series(parts.serverErrors),
      errors: series(parts.lambdaErrors),
      throttles: series(parts.requests && (() => 0)),
    },
    invocations: series(
      parts.requests && ((start) => (parts.requests?.(start) ?? 0) + (parts.healthProbes?.(start) ?? 0)),
    ),
    successes: series(parts.requests && successes),
    clientErrors: series(parts.requests && (() => 0)),
    latency: {
      'latency-p95': series(parts.within80 ?? (parts.requests && successes)),
      'latency-p50': series(parts.within60 ?? (parts.requests && successes)),
    },
    windowPercentileMs: parts.requests ? { 'latency-p95': 61.5, 'latency-p50': 32 } : {},
  };
}

function row(report: ReturnType<typeof buildReport>, name: string) {
  const found = report.slos.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no row ${name}`);
  return found;
}

describe('buildReport', () => {
  it('reports attainment, budget left, burn rates and the 28-day percentiles of a healthy month', () => {
    const report = buildReport(
      SLO_DEFINITION,
      input({
        starts: lastPeriods(WINDOW_PERIODS),
        requests: () => 1000,
        // One 5xx every other period: 0.05% failures, half the 0.1% budget.
        serverErrors: (start) => ((start / PERIOD_MS) % 2 === 0 ? 1 : 0),
        // 2.5% of 2xx slower than 80 ms (half the 5% budget); 30% slower than 60 ms (60% of the 50%).
        within80: () => 975,
        within60: () => 700,
      }),
      SCOPE,
    );
    const availability = row(report, 'availability');
    expect(availability.attainment).toBeCloseTo(0.9995, 6);
    expect(availability.budgetRemaining).toBeCloseTo(0.5, 6);
    expect(availability.burnRates.find((burn) => burn.window === '1h')?.burnRate).toBeCloseTo(0.5, 6);
    const p95 = row(report, 'latency-p95');
    expect(p95.unit).toBe('requests');
    expect(p95.budgetRemaining).toBeCloseTo(0.51, 2);
    expect(p95.windowPercentile).toEqual({ percentile: 95, ms: 61.5 });
    expect(row(report, 'latency-p50').budgetRemaining).toBeCloseTo(0.4, 2);
    expect(row(report, 'latency-p50').windowPercentile).toEqual({ percentile: 50, ms: 32 });
    expect(report.dataProblems).toEqual([]);
    expect(reportExitCode(report)).toBe(EXIT_OK);
  });

  it.each([
    { cause: 'a crash or timeout (Lambda Errors)', invocations: 1000, lambdaErrors: 1, throttles: 0 },
    { cause: 'a throttle (not in Invocations)', invocations: 999, lambdaErrors: 0, throttles: 1 },
  ])(
    'counts $cause, which never reached the app, as a failed request',
    ({ invocations, lambdaErrors, throttles }) => {
      const starts = lastPeriods(WINDOW_PERIODS);
      const base = input({ starts, requests: () => invocations, lambdaErrors: () => lambdaErrors });
      const report = buildReport(
        SLO_DEFINITION,
        {
          ...base,
          availability: {
            ...base.availability,
            throttles: new Map(starts.map((start) => [start, throttles])),
          },
        },
        SCOPE,
      );
      // 1 failure in every 1000 requests is exactly the budget: spent to the last request, but not overspent.
      expect(row(report, 'availability')).toMatchObject({
        total: 1000 * WINDOW_PERIODS,
        bad: WINDOW_PERIODS,
        budgetRemaining: 0,
        budgetExhausted: false,
      });
      expect(reportExitCode(report)).toBe(EXIT_OK);
    },
  );

  it('counts POST /predict only: /health probes in Lambda Invocations do not dilute the bad share', () => {
    const starts = lastPeriods(WINDOW_PERIODS);
    const outage = starts[WINDOW_PERIODS - 12] ?? 0;
    // The last hour: 3% of 100 requests per period fail, while a probe hits /health 900 times per period.
    const probed = input({
      starts,
      requests: () => 100,
      serverErrors: (start) => (start >= outage ? 3 : 0),
      healthProbes: () => 900,
    });
    const report = buildReport(SLO_DEFINITION, probed, SCOPE);
    const availability = row(report, 'availability');
    expect(availability.total).toBe(100 * WINDOW_PERIODS);
    expect(availability.burnRates.find((burn) => burn.window === '1h')?.burnRate).toBeCloseTo(30, 9);
    expect(availability.firingAlerts).toContain('page-1h-5m');
    expect(report.dataProblems).toEqual([]);
  });

  it('freezes releases (exit 3) once a latency budget is overspent, and pages while it burns', () => {
    const starts = lastPeriods(WINDOW_PERIODS);
    const slowFrom = starts[WINDOW_PERIODS - 600] ?? 0;
    // The last 50 hours: 60% of 2xx slower than 80 ms. Budget: 5% of 8064 x 1000 = 403,200 slow requests.
    const report = buildReport(
      SLO_DEFINITION,
      input({ starts, requests: () => 1000, within80: (start) => (start >= slowFrom ? 400 : 1000) }),
      SCOPE,
    );
    const p95 = row(report, 'latency-p95');
    expect(p95.bad).toBe(600 * 600);
    expect(p95.budgetRemaining).toBeCloseTo(1 - 360_000 / 403_200, 9);
    expect(p95.budgetExhausted).toBe(false);
    const worse = buildReport(
      SLO_DEFINITION,
      input({ starts, requests: () => 1000, within80: (start) => (start >= slowFrom ? 300 : 1000) }),
      SCOPE,
    );
    expect(row(worse, 'latency-p95').budgetRemaining).toBeLessThan(0);
    expect(row(worse, 'latency-p95').firingAlerts).toEqual([
      'page-1h-5m',
      'page-6h-30m',
      'ticket-1d-2h',
      'ticket-3d-6h',
    ]);
    expect(row(worse, 'latency-p50').budgetExhausted).toBe(false);
    expect(reportExitCode(worse)).toBe(EXIT_BUDGET_EXHAUSTED);
  });

  it('never says OK on no data: no invocations is a data problem naming region, function and alias', () => {
    const report = buildReport(SLO_DEFINITION, input({ starts: [] }), SCOPE);
    for (const slo of report.slos) {
      expect(slo).toMatchObject({ attainment: null, budgetRemaining: null, budgetExhausted: false });
      expect(slo.burnRates.every((burn) => burn.burnRate === null)).toBe(true);
    }
    expect(report.dataProblems).toEqual([
      expect.stringContaining('no invocation of predictor-prod:live in ap-northeast-1'),
    ]);
    expect(report.dataProblems[0]).toContain('check --region, --function-name and --alias');
    expect(report.dataProblemKinds).toEqual(['no-invocations']);
    const markdown = renderMarkdown(report);
    expect(markdown).not.toContain('100%');
    expect(markdown).toContain('NO TRUSTWORTHY DATA');
    expect(JSON.parse(renderJson(report))).toMatchObject({
      dataProblems: report.dataProblems,
      dataProblemKinds: ['no-invocations'],
    });
    expect(JSON.parse(renderJson(report)).slos[0].attainment).toBeNull();
    expect(reportExitCode(report)).toBe(EXIT_DATA_PROBLEM);
  });

  it('judges a partial window (service two days old) on the requests it has', () => {
    const report = buildReport(
      SLO_DEFINITION,
      input({ starts: lastPeriods(2 * 288), requests: () => 100, serverErrors: () => 0 }),
      SCOPE,
    );
    expect(row(report, 'availability')).toMatchObject({ attainment: 1, budgetRemaining: 1, total: 57_600 });
    expect(row(report, 'availability').burnRates.find((burn) => burn.window === '3d')?.burnRate).toBe(0);
    expect(row(report, 'latency-p95')).toMatchObject({ total: 57_600, bad: 0 });
  });
});

describe('renderMarkdown', () => {
  it('prints one row per SLO with its 28-day percentile, every alert window and the status', () => {
    const report = buildReport(
      SLO_DEFINITION,
      input({ starts: lastPeriods(24), requests: () => 10, serverErrors: () => 10 }),
      SCOPE,
    );
    const markdown = renderMarkdown(report);
    // Every request failed: availability is overspent, and latency (2xx only) measured nothing, which wins.
    expect(markdown).toContain(
      "**NO TRUSTWORTHY DATA** (exit code 2): SLO 'latency-p95' has no measured request in the 28d window",
    );
    expect(report.budgetExhausted).toBe(true);
    expect(markdown).toContain('| SLO | 5m | 30m | 1h | 2h | 6h | 1d | 3d | Alerts firing |');
    expect(markdown).toMatch(
      /\| availability \| 99\.9% \| 0% \| -?[\d.,]+% \(overspent\) \| 240 \/ 240 requests \| - \|/,
    );
    expect(markdown).toContain('| latency-p95 | 95% | no data | no data | 0 / 0 requests | p95 61.5 ms |');
    expect(markdown).toContain("- 'latency-p50' x page-1h-5m can never fire: its factor 13.44 is not below");
  });
});
