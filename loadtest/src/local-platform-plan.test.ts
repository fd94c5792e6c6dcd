import { describe, expect, it } from 'vitest';
import { loadTestObjectives } from '../../slo/src/load-test.ts';
import { liveUrlOf, platformSizeFor, statusCountsOf } from './local-platform-plan.ts';
import { SCENARIOS } from './scenarios.ts';

describe('platformSizeFor', () => {
  const objectives = loadTestObjectives();
  const p95 = objectives.latency.find((gate) => gate.percentile === 95);

  it("provisions the PR scenario's rate × the p95 objective, Little's law, and as many on-demand again", () => {
    expect(p95).toBeDefined();
    const expected = Math.ceil((SCENARIOS.pr.ratePerSecond * (p95?.thresholdMs ?? 0)) / 1_000);
    expect(platformSizeFor(SCENARIOS.pr.ratePerSecond)).toEqual({
      provisionedEnvironments: expected,
      maxConcurrency: 2 * expected,
    });
  });

  it('rounds up, keeps at least 2, and follows the slowest objective', () => {
    const gates = (...latency: [number, number][]) => ({
      ...objectives,
      latency: latency.map(([percentile, thresholdMs]) => ({
        name: `p${percentile}`,
        percentile,
        thresholdMs,
      })),
    });
    expect(platformSizeFor(50, gates([50, 60], [95, 80])).provisionedEnvironments).toBe(4);
    expect(platformSizeFor(51, gates([95, 80])).provisionedEnvironments).toBe(5);
    expect(platformSizeFor(1, gates([95, 80]))).toEqual({ provisionedEnvironments: 2, maxConcurrency: 4 });
    expect(platformSizeFor(100, gates([99, 200], [50, 10])).provisionedEnvironments).toBe(20);
    expect(() => platformSizeFor(100, gates())).toThrow(/no latency objective.*slo\/src\/definition\.ts/);
  });
});

describe('liveUrlOf', () => {
  it('takes the last line, without a trailing slash', () => {
    expect(liveUrlOf('building version 1\nhttp://127.0.0.1:4321/\n')).toBe('http://127.0.0.1:4321');
  });

  it('refuses output whose last line is not a URL, quoting it', () => {
    expect(() => liveUrlOf('http://127.0.0.1:1\nready\n')).toThrow(
      'printed "ready" as its last line, not the live URL',
    );
    expect(() => liveUrlOf('')).toThrow('printed "" as its last line');
  });
});

describe('statusCountsOf', () => {
  const figures = { invocations: 10, errors: 0, throttles: 1, coldStarts: 2, p50Ms: 1, p95Ms: 2 };

  it('sums every version, leaves a count no version reports unknown, and names the live version', () => {
    const status = {
      live: { version: '2', weights: {} },
      versions: { 1: figures, 2: { ...figures, invocations: 5 } },
    };
    expect(statusCountsOf(JSON.stringify(status))).toEqual({
      liveVersion: '2',
      invocations: 15,
      coldStarts: 4,
      throttles: 2,
    });
    const partial = { live: null, versions: { 1: figures, 2: { ...figures, coldStarts: 'n/a' } } };
    expect(statusCountsOf(JSON.stringify(partial))).toMatchObject({ liveVersion: null, coldStarts: null });
  });

  it('refuses what is not a status', () => {
    expect(() => statusCountsOf('ready')).toThrow(
      "the platform's `status` printed something other than JSON",
    );
    expect(() => statusCountsOf('{"live":{}}')).toThrow('has no "versions" object');
  });
});
