import { describe, expect, it } from 'vitest';
import type { LoadTestObjectives } from '../../slo/src/load-test.ts';
import { percentileChart, timelineChart } from './chart.ts';
import { compareResults } from './compare.ts';
import { evaluateGate } from './gate.ts';
import {
  describeSystem,
  renderGateReport,
  renderPrReport,
  STICKY_COMMENT_MARKER,
  timelineLimitOf,
} from './report.ts';
import { aResult, fixtureResult } from './test-results.ts';

/** Fixed here rather than read from slo/, so the rendered fixtures do not change when an SLO is retuned. */
const objectives: LoadTestObjectives = {
  availability: { name: 'availability', minGoodRatio: 0.999, badStatusFrom: 500 },
  latency: [
    { name: 'latency-p95', percentile: 95, thresholdMs: 80 },
    { name: 'latency-p50', percentile: 50, thresholdMs: 60 },
  ],
};

function prReport(current: ReturnType<typeof fixtureResult>, base: ReturnType<typeof fixtureResult> | null) {
  return renderPrReport({
    result: current,
    verdict: evaluateGate(current, objectives),
    base: base ? { result: base, comparison: compareResults(current, base) } : null,
    timelineLimit: timelineLimitOf(objectives),
  });
}

describe('renderPrReport', () => {
  it('renders a regressed PR: failing SLO rows, worse-than-noise deltas and both charts', async () => {
    const markdown = prReport(fixtureResult('pr-regressed'), fixtureResult('base-main'));

    expect(markdown.startsWith(STICKY_COMMENT_MARKER)).toBe(true);
    expect(markdown).toContain('### ❌ Load test `pr` did NOT keep the SLOs');
    expect(markdown).toContain(
      '**target: local Node server (micro-batching on) — not the Lambda path (one request at a time per execution environment)**',
    );
    expect(markdown).toMatch(
      /\| ❌ \| latency-p95 \| ≥ 95 % of 2xx in ≤ 80 ms \(p95 ≤ 80 ms\) \| 86\.7 ms \| 6\.7 ms over \|/,
    );
    expect(markdown).toMatch(/\| ✅ \| latency-p50 \| .* \| 48\.4 ms \| 11\.6 ms to spare \|/);
    expect(markdown).toMatch(
      /\| ❌ \| availability \| .* \| 99\.85 % \(0\.15 % errors\) \| 0\.050 pp over \|/,
    );
    expect(markdown).toMatch(/\| ❌ \| successful-responses \| .* \| 99\.8 % \(11976 of 12000\) \|/);
    expect(markdown).toMatch(
      /\| p95 \| 36\.0 ms \| 86\.7 ms \| \+50\.8 ms \(\+141\.2 %\) \| \[\+\d+\.\d, \+\d+\.\d\] ms \(block bootstrap\) \| 🔺 worse \|/,
    );
    expect(markdown).toMatch(
      /\| errorRate \| 0\.00 % \| 0\.15 % \| \+0\.15 pp \| .* \(two-proportion z-test\) \| 🔺 worse \|/,
    );
    expect(markdown).toContain('  bar [48.4, 76.4, 86.7, 109.4]');
    expect(markdown).toContain('  line [21.4, 32.1, 36, 44.5]');
    expect(markdown).toContain('p95 per second of the run (ms): line = latency-p95 limit (80 ms)');
    expect(markdown).toMatch(/ {2}line \[80, 80,/);
    await expect(markdown).toMatchFileSnapshot('../fixtures/reports/pr-regressed.md.txt');
  });

  it('draws the p95 limit over the per-second p95 chart, not the tighter p50 one', () => {
    expect(timelineLimitOf(objectives)).toEqual({ label: 'latency-p95 limit (80 ms)', ms: 80 });
    const p50Only = { ...objectives, latency: objectives.latency.filter((gate) => gate.percentile === 50) };
    expect(timelineLimitOf(p50Only)).toBeNull();
  });

  it('ignores a base run that did not reach its rate, saying so, and draws no base line', () => {
    const current = fixtureResult('pr-within-noise');
    const base = { ...fixtureResult('base-main'), targetRateReached: false, droppedRequests: 900 };
    const markdown = prReport(current, base);
    expect(markdown).toContain('> ⚠️ Base run ignored: the base run did not reach its arrival rate');
    expect(markdown).not.toMatch(/\| p95 \|/);
    expect(markdown).not.toContain('line = base');
  });

  it.each([
    [
      { kind: 'local-node-server', microBatching: false } as const,
      'local Node server (micro-batching off) — not the Lambda path',
    ],
    [{ kind: 'local-node-server', microBatching: null } as const, 'micro-batching unknown'],
    [
      { kind: 'function-url', signedSigV4: true } as const,
      'Lambda Function URL https://x (SigV4-signed) — the Lambda path',
    ],
    [
      {
        kind: 'local-lambda-platform',
        provisionedEnvironments: 16,
        maxConcurrency: 32,
        platformCounts: { invocations: 12_000, coldStarts: 1, spillover: 1, throttles: 0 },
      } as const,
      'local Lambda platform, live alias https://x — the Lambda path, one request per execution environment (16 provisioned, concurrency limit 32; the platform counted 1 cold start, 1 spillover invocation, 0 throttles)',
    ],
    [
      {
        kind: 'local-lambda-platform',
        provisionedEnvironments: 2,
        maxConcurrency: 4,
        platformCounts: { invocations: null, coldStarts: null, spillover: 3, throttles: 2 },
      } as const,
      'unknown cold starts, 3 spillover invocations, 2 throttles)',
    ],
    [
      {
        kind: 'local-lambda-platform',
        provisionedEnvironments: 2,
        maxConcurrency: 4,
        platformCounts: null,
      } as const,
      '(2 provisioned, concurrency limit 4)',
    ],
    [{ kind: 'url', signedSigV4: false } as const, 'target: https://x — not known to be the Lambda path'],
    [{ kind: 'unknown' } as const, 'not recorded'],
  ])('says which path was measured from the result: %j', (system, words) => {
    expect(describeSystem(system, 'https://x')).toContain(words);
  });

  it('renders a PR within noise of main as kept, with every delta "within noise"', () => {
    const markdown = prReport(fixtureResult('pr-within-noise'), fixtureResult('base-main'));
    expect(markdown).toContain('### ✅ Load test `pr` kept every SLO');
    const verdicts = markdown.split('\n').filter((line) => /^\| (p\d\d|errorRate) \|/.test(line));
    expect(verdicts).toHaveLength(5);
    for (const line of verdicts) expect(line).toMatch(/within noise \|$/);
  });

  it('says when there is no base result instead of inventing a comparison', () => {
    const markdown = prReport(fixtureResult('pr-within-noise'), null);
    expect(markdown).toContain('_No base-branch result to compare with yet._');
    expect(markdown).not.toContain('line [21.4');
  });

  it('lists the figures a k6 summary lacked and keeps them off the chart', () => {
    const result = aResult({
      tool: 'k6',
      latencyMs: { p50: 5.9, p90: 7.6, p95: 8.4, p99: null, max: 25.7 },
      missing: ['latencyMs.p99', 'statusCounts'],
    });
    const markdown = renderPrReport({
      result,
      verdict: evaluateGate(result, objectives),
      base: null,
      timelineLimit: null,
    });
    expect(markdown).toContain('- not measured by this run: latencyMs.p99, statusCounts');
    expect(percentileChart(result, null)).toContain('x-axis [p50, p90, p95]');
  });
});

describe('charts', () => {
  it('draws no timeline for a result without one (k6)', () => {
    expect(timelineChart(aResult({ timeline: null }), { label: 'limit', ms: 80 })).toBeNull();
  });

  it('draws the limit as a flat line across every second', () => {
    const timeline = [0, 1, 2].map((second) => ({
      second,
      requests: 10,
      errors: 0,
      p50Ms: 10,
      p95Ms: 20 + second,
    }));
    const chart = timelineChart(aResult({ timeline }), { label: 'p95 limit', ms: 80 });
    expect(chart).toContain('  bar [20, 21, 22]');
    expect(chart).toContain('  line [80, 80, 80]');
  });

  it('leaves the base line off when the base lacks a percentile the run has', () => {
    const base = aResult({ latencyMs: { p50: 1, p90: 2, p95: 3, p99: null, max: 4 } });
    expect(percentileChart(aResult(), base)).not.toContain('line [');
  });
});

describe('renderGateReport', () => {
  it('explains a failed rate check in words under the table', () => {
    const result = aResult({ targetRateReached: false, achievedRatePerSecond: 120, droppedRequests: 4_800 });
    const markdown = renderGateReport(result, evaluateGate(result, objectives));
    expect(markdown).toContain(
      '| ❌ | target-arrival-rate | 200 req/s sent on schedule | 120.0 req/s, 4800 dropped | — |',
    );
    expect(markdown).toContain(
      '- target-arrival-rate: target rate not reached: the planned load was not applied',
    );
  });
});

describe('timeline chart of a long run', () => {
  it('groups seconds to at most 60 bars and keeps each group’s worst p95', () => {
    const timeline = Array.from({ length: 300 }, (_, second) => ({
      second,
      requests: 10,
      errors: 0,
      p50Ms: 10,
      p95Ms: second === 123 ? 500 : 20,
    }));
    const chart = timelineChart(aResult({ timeline }), null) ?? '';
    const bars = chart.match(/bar \[(.*)\]/)?.[1]?.split(', ') ?? [];
    expect(bars).toHaveLength(60);
    expect(bars.filter((bar) => bar === '500')).toHaveLength(1);
  });
});
