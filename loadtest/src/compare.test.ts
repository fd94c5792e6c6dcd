import { describe, expect, it } from 'vitest';
import { compareResults, errorRateNoiseBand, latencyNoiseBand, NOISE_FLOOR_MS } from './compare.ts';
import { aResult } from './test-results.ts';

const latency = (p50: number, p90: number, p95: number, p99: number) => ({
  p50,
  p90,
  p95,
  p99,
  max: p99 * 2,
});
const figure = (comparison: ReturnType<typeof compareResults>, name: string) =>
  comparison.figures.find((f) => f.figure === name);

describe('compareResults', () => {
  it.each([
    ['a change inside the band is noise', 40, 60, false, 'same'],
    ['a rise beyond the band is worse', 40, 65, true, 'worse'],
    ['a fall beyond the band is better', 40, 15, true, 'better'],
  ])('p95: %s', (_case, baseP95, currentP95, beyond, direction) => {
    const comparison = compareResults(
      aResult({ latencyMs: latency(20, 30, currentP95, 60) }),
      aResult({ latencyMs: latency(20, 30, baseP95, 60) }),
    );
    expect(figure(comparison, 'p95')).toMatchObject({
      delta: currentP95 - baseP95,
      beyondNoise: beyond,
      direction,
    });
  });

  it('never calls a sub-millisecond change beyond noise, however small the base', () => {
    expect(latencyNoiseBand('p50', 2)).toBe(NOISE_FLOOR_MS);
    const comparison = compareResults(
      aResult({ latencyMs: latency(2.9, 3, 4, 5) }),
      aResult({ latencyMs: latency(2, 3, 4, 5) }),
    );
    expect(figure(comparison, 'p50')?.beyondNoise).toBe(false);
  });

  it('widens the band towards the tail, where fewer samples decide the value', () => {
    expect(latencyNoiseBand('p99', 100)).toBeGreaterThan(latencyNoiseBand('p95', 100));
    expect(latencyNoiseBand('p95', 100)).toBeGreaterThan(latencyNoiseBand('p50', 100));
  });

  it('judges error rates with a two-proportion test: 0.2 % vs 0 % over 12,000 requests each is real', () => {
    const comparison = compareResults(aResult({ errorRate: 0.002 }), aResult({ errorRate: 0 }));
    expect(figure(comparison, 'errorRate')).toMatchObject({ beyondNoise: true, direction: 'worse' });
  });

  it('calls 3 errors vs 1 in 1,000 requests noise', () => {
    const current = aResult({ requests: 1_000, errorRate: 0.003 });
    const base = aResult({ requests: 1_000, errorRate: 0.001 });
    expect(errorRateNoiseBand(current, base)).toBeGreaterThan(0.002);
    expect(figure(compareResults(current, base), 'errorRate')?.beyondNoise).toBe(false);
  });

  it('leaves a figure either run lacks uncompared rather than guessing', () => {
    const comparison = compareResults(
      aResult({ latencyMs: { ...latency(20, 30, 40, 60), p99: null } }),
      aResult(),
    );
    expect(figure(comparison, 'p99')).toMatchObject({ delta: null, beyondNoise: null, direction: null });
  });

  it('warns when the runs are not like for like', () => {
    const comparison = compareResults(
      aResult({ scenario: 'pr', targetRatePerSecond: 200 }),
      aResult({ scenario: 'smoke', targetRatePerSecond: 20, tool: 'k6' }),
    );
    expect(comparison.caveats).toEqual([
      'different scenarios: pr vs base smoke',
      'different arrival rates: 200 vs base 20 req/s',
      'different load generators: node vs base k6',
    ]);
  });
});
