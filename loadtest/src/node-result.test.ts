import { describe, expect, it } from 'vitest';
import { buildNodeResult, type NodeRunFacts } from './node-result.ts';
import { LoadTestResultSchema } from './result.ts';

const facts = (overrides: Partial<NodeRunFacts>): NodeRunFacts => ({
  scenario: 'pr',
  target: 'http://127.0.0.1:3000',
  system: { kind: 'local-node-server', microBatching: true },
  gitSha: 'abc',
  startedAt: new Date('2026-11-29T02:00:00Z'),
  ratePerSecond: 100,
  elapsedSeconds: 10.02,
  sent: 1_000,
  dropped: 0,
  aborted: false,
  summary: {
    requests: 1_000,
    errors: 5,
    successfulRequests: 990,
    statusCounts: { '200': 990, '422': 5, '503': 5 },
    latencyMs: { p50: 10, p90: 15, p95: 20, p99: 30, max: 40 },
    timeline: [],
    latencySamples: [{ second: 0, ms: [10, 12.5] }],
  },
  ...overrides,
});

describe('buildNodeResult', () => {
  it('turns a healthy run into a valid result: rate over the whole run, errors over answered requests', () => {
    const result = buildNodeResult(facts({}));
    expect(LoadTestResultSchema.parse(result)).toEqual(result);
    expect(result.achievedRatePerSecond).toBeCloseTo(1_000 / 10.02, 9);
    expect(result.targetRateReached).toBe(true);
    expect(result.errorRate).toBe(0.005);
    expect(result.durationSeconds).toBe(10.02);
    expect(result.missing).toEqual([]);
  });

  it.each([
    [
      'an overloaded target drains slowly',
      { elapsedSeconds: 16 },
      /target rate NOT reached: 62\.5 of 100 req\/s/,
    ],
    ['the in-flight limit dropped requests', { dropped: 40, sent: 960 }, /40 scheduled requests never sent/],
    [
      'the run was interrupted',
      { aborted: true, dropped: 700, sent: 300 },
      /run interrupted .*: 700 scheduled requests not sent/,
    ],
  ])('marks the target rate not reached when %s, and says why', (_case, overrides, note) => {
    const result = buildNodeResult(facts(overrides));
    expect(result.targetRateReached).toBe(false);
    expect(result.notes.join('\n')).toMatch(note);
  });

  it('has no error rate (rather than 0 %) when no request finished', () => {
    const empty = { ...facts({}).summary, requests: 0, errors: 0, successfulRequests: 0, statusCounts: {} };
    const result = buildNodeResult(facts({ summary: empty }));
    expect(result.errorRate).toBeNull();
    expect(result.missing).toContain('errorRate');
  });
});
