import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile } from '../../common/percentile.ts';
import { bootstrapDifference, resampledPercentiles } from './bootstrap.ts';
import type { LatencySamples } from './result.ts';

/** `seconds` seconds of `perSecond` latencies around `centreMs`, spread evenly ±spreadMs (deterministic). */
function run(seconds: number, perSecond: number, centreMs: number, spreadMs = 4): LatencySamples {
  return Array.from({ length: seconds }, (_, second) => ({
    second,
    ms: Array.from(
      { length: perSecond },
      (_, i) => centreMs - spreadMs + (2 * spreadMs * i) / (perSecond - 1),
    ),
  }));
}

const options = { resamples: 300, seed: 7, confidence: 0.95 };

describe('resampledPercentiles', () => {
  it('agrees with common/percentile on the explicitly pooled resample', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 8 }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 6, maxLength: 6 }),
        (blocks, counts) => {
          const draws = Uint32Array.from(blocks, (_, index) => counts[index] ?? 0);
          if (draws.every((count) => count === 0)) draws[0] = 1;
          const pooled = blocks.flatMap((block, index) => Array(draws[index]).fill(block).flat() as number[]);
          const tagged = blocks.flatMap((block, index) => block.map((value) => [value, index] as const));
          tagged.sort((a, b) => a[0] - b[0]);
          const sortedRun = {
            values: Float64Array.from(tagged, ([value]) => value),
            blockOf: Uint32Array.from(tagged, ([, index]) => index),
            blockSizes: blocks.map((block) => block.length),
          };
          const percents = [2.5, 50, 90, 95, 99];
          expect(resampledPercentiles(sortedRun, draws, percents)).toEqual(
            percents.map((p) => percentile(pooled, p)),
          );
        },
      ),
    );
  });
});

describe('bootstrapDifference', () => {
  it('holds 0 for two runs of the same distribution', () => {
    const intervals = bootstrapDifference([run(30, 50, 20)], [run(30, 50, 20)], ['p50', 'p95'], options);
    expect(intervals?.p50.low).toBeLessThanOrEqual(0);
    expect(intervals?.p50.high).toBeGreaterThanOrEqual(0);
    expect(intervals?.p95.low).toBeLessThanOrEqual(0);
    expect(intervals?.p95.high).toBeGreaterThanOrEqual(0);
  });

  it('excludes 0 for a 5 ms shift', () => {
    const intervals = bootstrapDifference([run(30, 50, 25)], [run(30, 50, 20)], ['p50'], options);
    expect(intervals?.p50.low).toBeGreaterThan(0);
  });

  it('widens when a few seconds of one run stall', () => {
    const steady = run(30, 50, 20);
    const stalled = steady.map((second) =>
      second.second % 10 === 0 ? { ...second, ms: second.ms.map((ms) => ms + 200) } : second,
    );
    const width = (samples: LatencySamples) => {
      const interval = bootstrapDifference([samples], [steady], ['p95'], options)?.p95;
      return (interval?.high ?? 0) - (interval?.low ?? 0);
    };
    expect(width(stalled)).toBeGreaterThan(10 * Math.max(width(steady), 0.01));
  });

  it('is deterministic: the same samples and seed give the same interval', () => {
    const a = bootstrapDifference([run(10, 20, 21, 9)], [run(10, 20, 20, 9)], ['p99'], options);
    const b = bootstrapDifference([run(10, 20, 21, 9)], [run(10, 20, 20, 9)], ['p99'], options);
    expect(a).toEqual(b);
  });

  it('declines a run with fewer than two seconds of samples', () => {
    expect(bootstrapDifference([run(1, 50, 20)], [run(30, 50, 20)], ['p50'], options)).toBeNull();
    expect(bootstrapDifference([run(30, 50, 20)], [run(1, 50, 20)], ['p50'], options)).toBeNull();
  });

  it('takes in the spread between whole base runs: a run as fast as the fastest base run is no improvement', () => {
    // Same commit, three base runs on a machine that was 0, 3 and 6 ms slower; this run met the quiet minute.
    const bases = [run(30, 50, 20), run(30, 50, 23), run(30, 50, 26)];
    const quiet = run(30, 50, 20);
    const againstOne = bootstrapDifference([quiet], [run(30, 50, 23)], ['p50'], options)?.p50;
    const againstAll = bootstrapDifference([quiet], bases, ['p50'], options)?.p50;
    expect(againstOne?.high).toBeLessThan(0);
    expect(againstAll?.low).toBeLessThan(0);
    expect(againstAll?.high).toBeGreaterThanOrEqual(0);
  });

  it('estimates the change from every run of each side pooled, the same runs its interval resamples', () => {
    const intervals = bootstrapDifference(
      [run(30, 50, 24), run(30, 50, 26)],
      [run(30, 50, 20), run(30, 50, 22)],
      ['p50'],
      options,
    );
    const pooled = (runs: LatencySamples[]) =>
      percentile(
        runs.flatMap((r) => r.flatMap((s) => s.ms)),
        50,
      );
    const current = pooled([run(30, 50, 24), run(30, 50, 26)]);
    const base = pooled([run(30, 50, 20), run(30, 50, 22)]);
    expect(intervals?.p50).toMatchObject({ current, base, estimate: current - base });
  });
});
