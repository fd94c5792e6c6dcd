import { describe, expect, it } from 'vitest';
import { SLO_DEFINITION } from './definition.ts';
import { buildReport, EXIT_BUDGET_EXHAUSTED, EXIT_OK, type ReportInput, reportExitCode } from './report.ts';
import { renderJson, renderMarkdown } from './report-render.ts';

const PERIOD_MS = 5 * 60_000;
const END = Date.UTC(2026, 10, 29, 0, 0);
const WINDOW_PERIODS = (28 * 24 * 60) / 5;

/** Period starts of the last `count` periods before END, oldest first. */
function lastPeriods(count: number): number[] {
  return Array.from({ length: count }, (_, i) => END - (count - i) * PERIOD_MS);
}

function input(parts: {
  starts: number[];
  requests?: (start: number) => number;
  serverErrors?: (start: number) => number;
  lambdaErrors?: (start: number) => number;
  p95?: (start: number) => number;
  p50?: (start: number) => number;
}): ReportInput {
  const series = (value: ((start: number) => number) | undefined) =>
    new Map(value === undefined ? [] : parts.starts.map((start) => [start, value(start)]));
  return {
    windowEnd: END,
    availability: {
      invocations: series(parts.requests),
      serverErrors: series(parts.serverErrors),
      errors: series(parts.lambdaErrors),
      throttles: series(parts.requests && (() => 0)),
    },
    latency: { 'latency-p95': series(parts.p95), 'latency-p50': series(parts.p50) },
  };
}

function row(report: ReturnType<typeof buildReport>, name: string) {
  const found = report.slos.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no row ${name}`);
  return found;
}

describe('buildReport', () => {
  it('reports attainment, budget left and burn rates of a healthy month', () => {
    const report = buildReport(
      SLO_DEFINITION,
      input({
        starts: lastPeriods(WINDOW_PERIODS),
        requests: () => 1000,
        // One 5xx every other period: 0.05% failures, half the 0.1% budget.
        serverErrors: (start) => ((start / PERIOD_MS) % 2 === 0 ? 1 : 0),
        p95: () => 55,
        p50: () => 30,
      }),
    );
    const availability = row(report, 'availability');
    expect(availability.attainment).toBeCloseTo(0.9995, 6);
    expect(availability.budgetRemaining).toBeCloseTo(0.5, 6);
    expect(availability.burnRates.find((burn) => burn.window === '1h')?.burnRate).toBeCloseTo(0.5, 6);
    expect(row(report, 'latency-p95')).toMatchObject({
      attainment: 1,
      budgetRemaining: 1,
      bad: 0,
      total: WINDOW_PERIODS,
    });
    expect(report.budgetExhausted).toBe(false);
    expect(reportExitCode(report)).toBe(EXIT_OK);
  });

  it.each([
    { cause: 'a crash or timeout (Lambda Errors)', invocations: 1000, lambdaErrors: 1, throttles: 0 },
    { cause: 'a throttle (not in Invocations)', invocations: 999, lambdaErrors: 0, throttles: 1 },
  ])(
    'counts $cause, which never reached the app, as a failed request',
    ({ invocations, lambdaErrors, throttles }) => {
      const starts = lastPeriods(WINDOW_PERIODS);
      const base = input({
        starts,
        requests: () => invocations,
        lambdaErrors: () => lambdaErrors,
        p95: () => 50,
        p50: () => 20,
      });
      const report = buildReport(SLO_DEFINITION, {
        ...base,
        availability: { ...base.availability, throttles: new Map(starts.map((start) => [start, throttles])) },
      });
      // 1 failure in every 1000 requests is exactly the budget: spent to the last request, releases freeze.
      expect(row(report, 'availability')).toMatchObject({
        total: 1000 * WINDOW_PERIODS,
        bad: WINDOW_PERIODS,
      });
      expect(row(report, 'availability').budgetRemaining).toBe(0);
      expect(reportExitCode(report)).toBe(EXIT_BUDGET_EXHAUSTED);
    },
  );

  it('spends the latency budget in slow slices and freezes releases when it is gone', () => {
    const starts = lastPeriods(WINDOW_PERIODS);
    const slowFromIndex = WINDOW_PERIODS - 100;
    const report = buildReport(
      SLO_DEFINITION,
      input({
        starts,
        requests: () => 1000,
        p95: (start) => (start >= (starts[slowFromIndex] ?? 0) ? 250 : 60),
        p50: () => 30,
      }),
    );
    const p95 = row(report, 'latency-p95');
    // 100 slow slices against 1% of 8064 = 80.64 allowed.
    expect(p95.bad).toBe(100);
    expect(p95.budgetRemaining).toBeCloseTo(1 - 100 / 80.64, 9);
    expect(p95.firingAlerts).toEqual(['page-1h-5m', 'page-6h-30m', 'ticket-1d-2h', 'ticket-3d-6h']);
    expect(row(report, 'latency-p50').budgetExhausted).toBe(false);
    expect(reportExitCode(report)).toBe(EXIT_BUDGET_EXHAUSTED);
  });

  it('shows no data, not 100%, when nothing was measured, and does not freeze', () => {
    const report = buildReport(SLO_DEFINITION, input({ starts: [] }));
    for (const slo of report.slos) {
      expect(slo).toMatchObject({
        attainment: null,
        budgetRemaining: null,
        budgetExhausted: false,
        firingAlerts: [],
      });
      expect(slo.burnRates.every((burn) => burn.burnRate === null)).toBe(true);
    }
    const markdown = renderMarkdown(report);
    expect(markdown).not.toContain('100%');
    expect(markdown).toContain('no data');
    expect(JSON.parse(renderJson(report)).slos[0].attainment).toBeNull();
    expect(reportExitCode(report)).toBe(EXIT_OK);
  });

  it('judges a partial window (service two days old) on the data it has', () => {
    const report = buildReport(
      SLO_DEFINITION,
      input({
        starts: lastPeriods(2 * 288),
        requests: () => 100,
        serverErrors: () => 0,
        p95: () => 70,
        p50: () => 40,
      }),
    );
    expect(row(report, 'availability')).toMatchObject({ attainment: 1, budgetRemaining: 1, total: 57_600 });
    // The 3-day burn rate is measured over the two days that exist; windows without data say so.
    expect(row(report, 'availability').burnRates.find((burn) => burn.window === '3d')?.burnRate).toBe(0);
    expect(row(report, 'latency-p95').measuredPeriods).toBe(576);
  });
});

describe('renderMarkdown', () => {
  it('prints one row per SLO, every alert window and the freeze status', () => {
    const report = buildReport(
      SLO_DEFINITION,
      input({
        starts: lastPeriods(24),
        requests: () => 10,
        serverErrors: () => 10,
        p95: () => 500,
        p50: () => 500,
      }),
    );
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('BUDGET EXHAUSTED: release freeze');
    expect(markdown).toContain('| SLO | 5m | 30m | 1h | 2h | 6h | 1d | 3d | Alerts firing |');
    expect(markdown).toMatch(
      /\| availability \| 99\.9% \| 0% \| -?[\d.,]+% \(spent\) \| 240 \/ 240 requests \|/,
    );
    expect(markdown).toContain('| latency-p95 | 99% of slices |');
  });
});
