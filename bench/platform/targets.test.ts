import { describe, expect, it } from 'vitest';
import { judgePlatform, overheadOf, type PlatformFigures, renderPlatformReport } from './targets.ts';

const figures = (
  overrides: Partial<PlatformFigures['throughput']> = {},
  platformShiftMs = 0.3,
): PlatformFigures => {
  const directSamples = [1, 1.1, 1.2, 1.3, 1.4];
  return {
    overhead: {
      rounds: [
        { directP50Ms: 1.2, platformP50Ms: 1.2 + platformShiftMs },
        { directP50Ms: 1.1, platformP50Ms: 1.2 + platformShiftMs },
      ],
      directSamples,
      platformSamples: directSamples.map((value) => value + platformShiftMs),
    },
    throughput: {
      targetRatePerSecond: 1_000,
      achievedRatePerSecond: 999.5,
      durationSeconds: 20,
      requests: 20_000,
      droppedRequests: 0,
      errorRate: 0,
      statusCounts: { '200': 20_000 },
      p50Ms: 2,
      p95Ms: 5,
      p99Ms: 9,
      throttles: 0,
      coldStarts: 0,
      ...overrides,
    },
    coldStarts: { firstAnswerMs: [300, 320, 310], initMs: [90, 95, 100], spawnToReadyMs: [250, 260, 270] },
  };
};

describe('judgePlatform', () => {
  it('passes an overhead within 0.5 ms and a sustained rate without errors', () => {
    expect(judgePlatform(figures()).map((verdict) => verdict.pass)).toEqual([true, true]);
    const overhead = overheadOf(figures().overhead);
    expect(overhead.directP50Ms).toBe(1.2);
    expect(overhead.p50DifferenceMs).toBeCloseTo(0.3);
    expect(overhead.roundDifferencesMs.min).toBeCloseTo(0.3);
    expect(overhead.roundDifferencesMs.max).toBeCloseTo(0.4);
  });

  it('passes throttles within the bad share the availability objective allows (Lambda throttles, never queues)', () => {
    expect(
      judgePlatform(figures({ errorRate: 0.001, throttles: 20 })).map((verdict) => verdict.pass),
    ).toEqual([true, true]);
  });

  it.each([
    ['an overhead over 0.5 ms', figures({}, 0.6), [false, true]],
    [
      'throttles beyond the availability objective',
      figures({ errorRate: 0.0011, throttles: 22 }),
      [true, false],
    ],
    ['a rate not reached', figures({ achievedRatePerSecond: 900 }), [true, false]],
    ['dropped requests', figures({ droppedRequests: 3 }), [true, false]],
  ])('fails %s', (_, input, passes) => {
    expect(judgePlatform(input).map((verdict) => verdict.pass)).toEqual(passes);
  });

  it('renders the verdicts and the figures behind them', () => {
    const report = renderPlatformReport(figures({}, 0.6), judgePlatform(figures({}, 0.6)));
    expect(report).toContain('| 0.600 ms (1.800 ms vs 1.200 ms) | ≤ 0.5 ms | FAIL |');
    expect(report).toContain(
      'cold start, on-demand request to its answer: median 310 ms (300–320 ms, 3 samples)',
    );
    expect(report).toContain('p99 9.000 ms');
  });
});
