import { describe, expect, it } from 'vitest';
import { isAvailabilityError, isSuccess, type Outcome, OutcomeRecorder } from './recorder.ts';

const response = (status: number, latencyMs = 10, scheduledAtMs = 0): Outcome => ({
  kind: 'response',
  status,
  latencyMs,
  scheduledAtMs,
});

describe('outcome classification (availability counts 5xx, throttles and transport failures, as production does)', () => {
  it.each([
    [response(200), false, true],
    [response(204), false, true],
    [response(302), false, false],
    [response(422), false, false],
    [response(403), false, false],
    [response(429), true, false],
    [response(500), true, false],
    [response(503), true, false],
    [{ kind: 'transport_error', scheduledAtMs: 0 } as const, true, false],
  ])('%j: error %s, success %s', (outcome, error, success) => {
    expect(isAvailabilityError(outcome, 500)).toBe(error);
    expect(isSuccess(outcome)).toBe(success);
  });
});

describe('OutcomeRecorder', () => {
  it('keeps latency of successes only, counts statuses, and buckets by scheduled second', () => {
    const recorder = new OutcomeRecorder(500);
    for (let i = 0; i < 98; i++) recorder.record(response(200, 10 + (i % 10), 100));
    recorder.record(response(422, 5_000, 100));
    recorder.record({ kind: 'transport_error', scheduledAtMs: 1_500 });
    recorder.record(response(500, 1, 1_500));
    recorder.record(response(200, 100, 1_999));

    const summary = recorder.summary();

    expect(summary.requests).toBe(102);
    expect(summary.errors).toBe(2);
    expect(summary.successfulRequests).toBe(99);
    expect(summary.statusCounts).toEqual({ '200': 99, '422': 1, '500': 1, transport_error: 1 });
    expect(summary.latencyMs.p50).toBeCloseTo(14, 1);
    expect(summary.latencyMs.max).toBeCloseTo(100, 1);
    expect(summary.timeline.map(({ second, requests, errors }) => [second, requests, errors])).toEqual([
      [0, 99, 0],
      [1, 3, 2],
    ]);
    expect(summary.timeline[1]?.p95Ms).toBeCloseTo(100, 1);
  });

  it('reports no latency, rather than zero, when nothing succeeded', () => {
    const recorder = new OutcomeRecorder(500);
    recorder.record(response(503));
    expect(recorder.summary().latencyMs).toEqual({ p50: null, p90: null, p95: null, p99: null, max: null });
  });
});
