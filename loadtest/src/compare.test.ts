import { describe, expect, it } from 'vitest';
import { percentile } from '../../common/percentile.ts';
import { compareResults, errorRateNoiseBand, NOISE_FLOOR_MS } from './compare.ts';
import type { LatencySamples, LoadTestResult } from './result.ts';
import { aResult, fixtureResult } from './test-results.ts';

const bootstrap = { resamples: 300, seed: 11, confidence: 0.95 };

/** 20 seconds of 40 latencies each, evenly spread over centre ± spread, and the percentiles they give. */
function samples(centreMs: number, spreadMs: number): LatencySamples {
  return Array.from({ length: 20 }, (_, second) => ({
    second,
    ms: Array.from({ length: 40 }, (_, i) => centreMs - spreadMs + (2 * spreadMs * i) / 39),
  }));
}

function withSamples(centreMs: number, spreadMs = 5) {
  const latencySamples = samples(centreMs, spreadMs);
  const at = (share: number) => centreMs - spreadMs + 2 * spreadMs * share;
  return aResult({
    latencySamples,
    latencyMs: { p50: at(0.5), p90: at(0.9), p95: at(0.95), p99: at(0.99), max: at(1) },
  });
}

const allSamples = (result: LoadTestResult) => (result.latencySamples ?? []).flatMap((second) => second.ms);

const figure = (comparison: ReturnType<typeof compareResults>, name: string) =>
  comparison.kind === 'compared' ? comparison.figures.find((f) => f.figure === name) : undefined;

describe('compareResults', () => {
  it.each([
    ['the same distribution is noise', 20, false, 'same'],
    ['a 4 ms rise is worse', 24, true, 'worse'],
    ['a 4 ms fall is better', 16, true, 'better'],
  ])('latency: %s (a bootstrap interval of the change)', (_case, currentCentre, beyond, direction) => {
    const comparison = compareResults(withSamples(currentCentre), withSamples(20), bootstrap);
    expect(figure(comparison, 'p50')).toMatchObject({
      basis: 'block bootstrap',
      beyondNoise: beyond,
      direction,
    });
    const interval = figure(comparison, 'p50')?.interval;
    expect((interval?.low ?? 0) > 0 || (interval?.high ?? 0) < 0).toBe(beyond);
  });

  it('calls a certain but sub-millisecond change noise: below what a shared runner resolves', () => {
    const comparison = compareResults(withSamples(20.5, 0.1), withSamples(20, 0.1), bootstrap);
    const p50 = figure(comparison, 'p50');
    expect(p50?.interval?.low).toBeGreaterThan(0);
    expect(Math.abs(p50?.delta ?? 0)).toBeLessThan(NOISE_FLOOR_MS);
    expect(p50?.beyondNoise).toBe(false);
  });

  it('gives the stored regressed PR a p95 interval well above 0 and the within-noise PR one around 0', () => {
    const base = fixtureResult('base-main');
    const regressed = figure(compareResults(fixtureResult('pr-regressed'), base), 'p95');
    const same = figure(compareResults(fixtureResult('pr-within-noise'), base), 'p95');
    expect(regressed).toMatchObject({ beyondNoise: true, direction: 'worse' });
    expect(same?.interval?.low).toBeLessThan(0);
    expect(same?.interval?.high).toBeGreaterThan(0);
  });

  it('ignores a base run that did not reach its arrival rate: its latency is no baseline', () => {
    const base = aResult({ targetRateReached: false, achievedRatePerSecond: 120, droppedRequests: 4_000 });
    expect(compareResults(withSamples(20), base, bootstrap)).toEqual({
      kind: 'ignored',
      reason:
        'the base run did not reach its arrival rate (120.0 of 200 req/s, 4000 dropped), so its latency is no baseline',
    });
  });

  it('pools every run of the newest base commit that reached its rate, naming the newest as the base', () => {
    const missedRate = { ...withSamples(30), targetRateReached: false };
    const newest = withSamples(21);
    const current = withSamples(20);
    const comparison = compareResults(current, [missedRate, newest, withSamples(24)], bootstrap);
    expect(comparison).toMatchObject({ kind: 'compared', base: newest, baseRuns: 2, currentRuns: 1 });
    expect(comparison.kind === 'compared' && comparison.caveats).toContain(
      '1 base run(s) that did not reach their arrival rate left out',
    );
    const pooledBase = percentile([newest, withSamples(24)].flatMap(allSamples), 50);
    const currentP50 = percentile(allSamples(current), 50);
    expect(figure(comparison, 'p50')).toMatchObject({ base: pooledBase, delta: currentP50 - pooledBase });
  });

  it('leaves base runs of other commits out of the band, and says so: a real change on main is no noise', () => {
    const current = withSamples(20);
    const newest = withSamples(24);
    const olderCommit = { ...withSamples(16), gitSha: '9999999fffffff' };
    const comparison = compareResults(current, [newest, olderCommit], bootstrap);
    expect(comparison).toMatchObject({ kind: 'compared', baseRuns: 1 });
    expect(comparison.kind === 'compared' && comparison.caveats).toContain(
      '1 base run(s) of other commits (9999999) left out: the band holds repeated runs of abcdef0 only',
    );
    expect(figure(comparison, 'p50')).toEqual(figure(compareResults(current, newest, bootstrap), 'p50'));
    expect(figure(comparison, 'p50')?.direction).toBe('better');
  });

  it('pools repeated runs of this commit too, leaving out one of another commit', () => {
    const head = (centre: number, gitSha = 'cafe0123456789') => ({ ...withSamples(centre), gitSha });
    const comparison = compareResults(
      [head(24), head(25), head(10, 'beef0123456789')],
      withSamples(20),
      bootstrap,
    );
    expect(comparison).toMatchObject({ kind: 'compared', currentRuns: 2 });
    expect(comparison.kind === 'compared' && comparison.caveats).toContain(
      '1 head run(s) of other commits (beef012) left out: the band holds repeated runs of cafe012 only',
    );
    expect(figure(comparison, 'p50')?.current).toBe(percentile([head(24), head(25)].flatMap(allSamples), 50));
  });

  it.each([
    ['one run each, no change', [20], [20]],
    ['one run each, a 4 ms rise', [24], [20]],
    ['base runs spread by a slower machine', [20], [23, 20, 26]],
    ['both sides repeated, spread apart', [22, 27, 24], [20, 26]],
    ['a skewed head run against a narrow base', [21], [20, 20.5, 21.5]],
  ])('reports a change inside its own interval: %s', (_case, currentCentres, baseCentres) => {
    const comparison = compareResults(
      currentCentres.map((centre) => withSamples(centre, 5)),
      baseCentres.map((centre) => withSamples(centre, 5)),
      bootstrap,
    );
    for (const key of ['p50', 'p90', 'p95', 'p99']) {
      const row = figure(comparison, key);
      expect(row?.delta).toBe((row?.current ?? 0) - (row?.base ?? 0));
      expect(row?.delta).toBeGreaterThanOrEqual(row?.interval?.low ?? Number.NaN);
      expect(row?.delta).toBeLessThanOrEqual(row?.interval?.high ?? Number.NaN);
    }
  });

  it('pools the error rates of repeated runs before testing them', () => {
    const runs = [aResult({ errorRate: 0.002 }), aResult({ errorRate: 0 })];
    expect(figure(compareResults(aResult({ errorRate: 0.001 }), runs, bootstrap), 'errorRate')).toMatchObject(
      {
        base: 0.001,
        delta: 0,
        beyondNoise: false,
      },
    );
  });

  it('is "better" against one slow base run but within noise against repeated runs that vary as much', () => {
    const quiet = withSamples(20);
    expect(figure(compareResults(quiet, withSamples(23), bootstrap), 'p50')?.direction).toBe('better');
    const repeated = [withSamples(23), withSamples(20), withSamples(26)];
    expect(figure(compareResults(quiet, repeated, bootstrap), 'p50')?.beyondNoise).toBe(false);
  });

  it('leaves latency uncompared, and says why, when a run kept no samples (a k6 summary)', () => {
    const comparison = compareResults(withSamples(20), aResult({ tool: 'k6' }), bootstrap);
    expect(figure(comparison, 'p95')).toMatchObject({ delta: null, interval: null, beyondNoise: null });
    expect(comparison.kind === 'compared' && comparison.caveats).toContain(
      'latency not compared: the base run kept no latency samples (a k6 summary has none)',
    );
  });

  it('judges error rates with a two-proportion test: 0.2 % vs 0 % over 12,000 requests each is real', () => {
    const comparison = compareResults(aResult({ errorRate: 0.002 }), aResult({ errorRate: 0 }), bootstrap);
    expect(figure(comparison, 'errorRate')).toMatchObject({
      basis: 'two-proportion z-test',
      beyondNoise: true,
      direction: 'worse',
    });
  });

  it('calls 3 errors vs 1 in 1,000 requests noise', () => {
    const current = aResult({ requests: 1_000, errorRate: 0.003 });
    const base = aResult({ requests: 1_000, errorRate: 0.001 });
    expect(errorRateNoiseBand(current, base)).toBeGreaterThan(0.002);
    expect(figure(compareResults(current, base, bootstrap), 'errorRate')?.beyondNoise).toBe(false);
  });

  it("compares the percentiles of the samples it resamples, not the runs' summaries", () => {
    const current = withSamples(20);
    const comparison = compareResults(
      { ...current, latencyMs: { ...current.latencyMs, p99: null } },
      withSamples(20),
      bootstrap,
    );
    const p99 = percentile(allSamples(current), 99);
    expect(figure(comparison, 'p99')).toMatchObject({
      current: p99,
      base: p99,
      delta: 0,
      beyondNoise: false,
    });
  });

  it('warns when the runs are not like for like', () => {
    const comparison = compareResults(
      aResult({ scenario: 'pr', targetRatePerSecond: 200 }),
      aResult({
        scenario: 'smoke',
        targetRatePerSecond: 20,
        tool: 'k6',
        system: { kind: 'function-url', signedSigV4: true },
      }),
      bootstrap,
    );
    expect(comparison.kind === 'compared' && comparison.caveats.slice(0, 4)).toEqual([
      'different scenarios: pr vs base smoke',
      'different arrival rates: 200 vs base 20 req/s',
      'different load generators: node vs base k6',
      'different systems measured: local-node-server vs base function-url',
    ]);
  });
});
