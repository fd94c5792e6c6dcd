import { describe, expect, it } from 'vitest';
import type { LoadTestObjectives } from '../../slo/src/load-test.ts';
import { evaluateGate } from './gate.ts';
import { aResult } from './test-results.ts';

const objectives: LoadTestObjectives = {
  availability: { name: 'availability', minGoodRatio: 0.999, badStatusFrom: 500 },
  latency: [
    { name: 'latency-p95', percentile: 95, thresholdMs: 80 },
    { name: 'latency-p50', percentile: 50, thresholdMs: 60 },
  ],
};

const check = (result: ReturnType<typeof aResult>, name: string) =>
  evaluateGate(result, objectives).checks.find((c) => c.name === name);

describe('evaluateGate', () => {
  it('passes a run within every objective and reports the room left', () => {
    const verdict = evaluateGate(aResult(), objectives);
    expect(verdict.passed).toBe(true);
    expect(verdict.checks.map((c) => [c.name, c.passed, c.margin, c.marginUnit])).toEqual([
      ['availability', true, 0.1, 'pp'],
      ['successful-responses', true, 0.1, 'pp'],
      ['latency-p95', true, 40, 'ms'],
      ['latency-p50', true, 40, 'ms'],
      ['target-arrival-rate', true, null, null],
    ]);
  });

  it.each([
    [
      'p95 over its limit',
      { latencyMs: { p50: 20, p90: 70, p95: 80.5, p99: 90, max: 99 } },
      'latency-p95',
      -0.5,
    ],
    ['p50 over its limit', { latencyMs: { p50: 61, p90: 70, p95: 79, p99: 90, max: 99 } }, 'latency-p50', -1],
    ['1 % errors against a 99.9 % objective', { errorRate: 0.01 }, 'availability', -0.9],
  ])('fails on %s, with a negative margin', (_case, overrides, failing, margin) => {
    const verdict = evaluateGate(aResult(overrides), objectives);
    expect(verdict.passed).toBe(false);
    expect(verdict.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual([failing]);
    expect(check(aResult(overrides), failing)?.margin).toBeCloseTo(margin, 6);
  });

  it('passes a latency exactly at its threshold (the objective is ≤)', () => {
    expect(
      check(aResult({ latencyMs: { p50: 60, p90: 70, p95: 80, p99: 90, max: 99 } }), 'latency-p95')?.passed,
    ).toBe(true);
  });

  it.each([
    [
      'the percentile is missing',
      { latencyMs: { p50: 20, p90: 30, p95: null, p99: null, max: 50 } },
      'the result has no p95',
    ],
    [
      'no response succeeded',
      { successfulRequests: 0, latencyMs: { p50: null, p90: null, p95: null, p99: null, max: null } },
      'no successful response',
    ],
  ])('fails a latency objective when %s, saying so instead of guessing', (_case, overrides, reason) => {
    const result = check(aResult(overrides), 'latency-p95');
    expect(result).toMatchObject({ passed: false, measured: null, reason });
  });

  describe('the 2xx share: a valid corpus answered with 4xx fails, whatever its latency', () => {
    // 2 % of valid requests refused with 422: good for availability (4xx are the caller's fault), fast as ever.
    const refused = aResult({
      statusCounts: { '200': 11_760, '422': 240 },
      successfulRequests: 11_760,
      latencyMs: { p50: 5, p90: 8, p95: 9, p99: 12, max: 20 },
    });

    it('fails a planted 4xx regression although availability and every latency pass', () => {
      const verdict = evaluateGate(refused, objectives);
      expect(verdict.passed).toBe(false);
      expect(verdict.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['successful-responses']);
      expect(check(refused, 'successful-responses')).toMatchObject({
        measured: '98 % (11760 of 12000)',
        margin: -1.9,
        reason: expect.stringContaining('240 × 422'),
      });
    });

    it('does not pass because p95 got better', () => {
      const faster = { ...refused, latencyMs: { p50: 1, p90: 1, p95: 1, p99: 1, max: 1 } };
      expect(evaluateGate(faster, objectives).passed).toBe(false);
    });

    it('allows the share of misses the availability SLO allows, and no more', () => {
      const atLimit = aResult({ statusCounts: { '200': 11_988, '403': 12 }, successfulRequests: 11_988 });
      const over = aResult({ statusCounts: { '200': 11_987, '403': 13 }, successfulRequests: 11_987 });
      expect(check(atLimit, 'successful-responses')?.passed).toBe(true);
      expect(check(over, 'successful-responses')?.passed).toBe(false);
    });

    it('fails unmeasured when the result has no 2xx count', () => {
      expect(check(aResult({ successfulRequests: null }), 'successful-responses')).toMatchObject({
        passed: false,
        reason: 'the result has no count of 2xx answers',
      });
    });
  });

  it('fails when the error rate was not measured', () => {
    expect(check(aResult({ errorRate: null }), 'availability')).toMatchObject({
      passed: false,
      reason: 'the result has no error rate',
    });
  });

  it('fails a run that did not reach its target rate: the planned load was not applied', () => {
    const verdict = evaluateGate(aResult({ targetRateReached: false, droppedRequests: 500 }), objectives);
    expect(verdict.passed).toBe(false);
    expect(check(aResult({ targetRateReached: false }), 'target-arrival-rate')?.reason).toMatch(
      /not reached/,
    );
  });

  it('skips the rate check for a foreign k6 summary with no known target rate', () => {
    const names = evaluateGate(
      aResult({ targetRatePerSecond: null, targetRateReached: null }),
      objectives,
    ).checks;
    expect(names.map((c) => c.name)).not.toContain('target-arrival-rate');
  });

  it('refuses a percentile the result format cannot carry', () => {
    const p999 = { ...objectives, latency: [{ name: 'latency-p99.9', percentile: 99.9, thresholdMs: 200 }] };
    expect(evaluateGate(aResult(), p999).checks.find((c) => c.kind === 'latency')).toMatchObject({
      passed: false,
      reason: 'results carry p50/p90/p95/p99 only, not p99.9',
    });
  });
});
