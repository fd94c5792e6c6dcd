import { describe, expect, it } from 'vitest';
import { formatResultJson, parseLoadTestResult, RESULT_SCHEMA_VERSION } from './result.ts';
import { aResult } from './test-results.ts';

describe('parseLoadTestResult', () => {
  it('accepts a valid result unchanged', () => {
    expect(parseLoadTestResult(JSON.parse(JSON.stringify(aResult())), 'r.json')).toEqual(aResult());
  });

  it('names the file and every bad field, and how to get a good one', () => {
    const bad = { ...aResult(), errorRate: 1.5, latencyMs: { ...aResult().latencyMs, p95: -1 } };
    expect(() => parseLoadTestResult(bad, 'results/pr.json')).toThrow(
      /^results\/pr\.json is not a shiftgate load-test result \(schema v2\): errorRate: .*; latencyMs\.p95: .*Produce one with `npm run loadtest`/,
    );
  });

  it('writes each second of latency samples on one line, and reads back what it wrote', () => {
    const result = aResult({ latencySamples: [{ second: 0, ms: [1.25, 3, 20.5] }] });
    const text = formatResultJson(result);
    expect(text).toContain('"ms": [1.25, 3, 20.5]');
    expect(parseLoadTestResult(JSON.parse(text), 'r.json')).toEqual(result);
    expect(RESULT_SCHEMA_VERSION).toBe(2);
  });

  it('reads a run on the local Lambda platform, with its own counts, and refuses one without environments', () => {
    const system = {
      kind: 'local-lambda-platform',
      provisionedEnvironments: 16,
      maxConcurrency: 32,
      platformCounts: { invocations: 12_000, coldStarts: 0, throttles: 0, spillover: 2 },
    } as const;
    expect(parseLoadTestResult(aResult({ system }), 'r.json').system).toEqual(system);
    expect(() =>
      parseLoadTestResult(aResult({ system: { ...system, provisionedEnvironments: 0 } }), 'r.json'),
    ).toThrow(/system\.provisionedEnvironments/);
  });

  it('rejects a result of another schema version', () => {
    expect(() => parseLoadTestResult({ ...aResult(), schemaVersion: 1 }, 'old.json')).toThrow(
      /schemaVersion/,
    );
  });
});
