import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectK6SummaryFormat, parseK6Summary } from './k6-summary.ts';
import { LoadTestResultSchema } from './result.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/k6/${name}`, import.meta.url), 'utf8'));

const foreign = {
  scenario: 'external',
  target: 'https://example.test',
  system: { kind: 'unknown' } as const,
  gitSha: null,
  targetRatePerSecond: null,
};

describe('parseK6Summary on real k6 output', () => {
  it('reads a --summary-export file, derives the duration from count / rate and names the missing p99', () => {
    const result = parseK6Summary(fixture('summary-export-v0.json'), foreign);

    expect(LoadTestResultSchema.parse(result)).toEqual(result);
    expect(result.requests).toBe(8020);
    expect(result.achievedRatePerSecond).toBeCloseTo(1602.408, 3);
    expect(result.durationSeconds).toBeCloseTo(8020 / 1602.4084558734573, 9);
    expect(result.errorRate).toBe(0);
    expect(result.latencyMs).toEqual({
      p50: 5.93505,
      p90: 7.58596,
      p95: 8.377714999999998,
      p99: null,
      max: 25.6666,
    });
    expect(result.missing).toEqual(['latencyMs.p99', 'statusCounts', 'successfulRequests', 'latencySamples']);
    expect(result.notes.join(' ')).toMatch(/duration derived/);
  });

  it('reads a handleSummary data object, with its test duration, and names the missing p90', () => {
    const result = parseK6Summary(fixture('handle-summary-v0.40.json'), foreign);

    expect(LoadTestResultSchema.parse(result)).toEqual(result);
    expect(result.requests).toBe(16510);
    expect(result.durationSeconds).toBeCloseTo(30.0184068, 9);
    expect(result.latencyMs).toEqual({
      p50: 39.877318,
      p90: null,
      p95: 63.726093199999994,
      p99: 143.15519861999957,
      max: 1347.61271,
    });
    expect(result.successfulRequests).toBe(16510);
    expect(result.missing).toEqual(['latencyMs.p90', 'statusCounts', 'latencySamples']);
  });

  it.each([
    ['summary-export-v0.json', 'summary-export'],
    ['handle-summary-v0.40.json', 'handle-summary'],
  ] as const)('recognizes %s as the %s format', (file, format) => {
    expect(detectK6SummaryFormat(fixture(file))).toBe(format);
  });
});

describe('parseK6Summary on a summary written by loadtest/k6/predict.ts', () => {
  const ours = {
    state: { testRunDurationMs: 10_050 },
    metrics: {
      http_reqs: { type: 'counter', contains: 'default', values: { count: 200, rate: 19.9 } },
      http_req_failed: { type: 'rate', contains: 'default', values: { rate: 0.01, passes: 2, fails: 198 } },
      'http_req_duration{status:200}': {
        type: 'trend',
        contains: 'time',
        values: { count: 196, med: 12, 'p(90)': 20, 'p(95)': 25, 'p(99)': 40, max: 55 },
      },
      'http_req_duration{expected_response:true}': {
        type: 'trend',
        contains: 'time',
        values: { count: 198, med: 99, 'p(90)': 99, 'p(95)': 99, 'p(99)': 99, max: 99 },
      },
      shiftgate_status_200: { type: 'counter', contains: 'default', values: { count: 196, rate: 19.5 } },
      shiftgate_status_422: { type: 'counter', contains: 'default', values: { count: 2, rate: 0.2 } },
      shiftgate_status_500: { type: 'counter', contains: 'default', values: { count: 1, rate: 0.1 } },
      shiftgate_status_0: { type: 'counter', contains: 'default', values: { count: 1, rate: 0.1 } },
    },
  };
  const context = {
    scenario: 'smoke',
    target: 'http://127.0.0.1:3000',
    system: { kind: 'local-node-server', microBatching: true } as const,
    gitSha: 'abc123',
    targetRatePerSecond: 20,
  };

  it('takes latency from the 200-only sub-metric, not from k6 "expected" responses that include 4xx', () => {
    const result = parseK6Summary(ours, context);
    expect(result.latencyMs).toEqual({ p50: 12, p90: 20, p95: 25, p99: 40, max: 55 });
    expect(result.successfulRequests).toBe(196);
    // A summary holds statistics, not samples: the comparison's bootstrap has nothing to resample.
    expect(result.missing).toEqual(['latencySamples']);
  });

  it('maps the status counters, with status 0 as a transport error', () => {
    expect(parseK6Summary(ours, context).statusCounts).toEqual({
      '200': 196,
      '422': 2,
      '500': 1,
      transport_error: 1,
    });
  });

  it('judges the arrival rate: reached without drops, not reached when k6 dropped iterations', () => {
    expect(parseK6Summary(ours, context).targetRateReached).toBe(true);
    const dropped = {
      ...ours,
      metrics: { ...ours.metrics, dropped_iterations: { type: 'counter', values: { count: 30, rate: 3 } } },
    };
    const result = parseK6Summary(dropped, context);
    expect(result.droppedRequests).toBe(30);
    expect(result.targetRateReached).toBe(false);
  });

  it.each([
    [null, /expected an object with "metrics"/],
    [{ metrics: {} }, /holds no metric objects/],
    [{ metrics: { vus: { value: 1 } } }, /no http_reqs count/],
  ])('rejects %j with an error saying what is wrong', (input, message) => {
    expect(() => parseK6Summary(input, context)).toThrow(message);
  });
});
