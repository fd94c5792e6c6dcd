import { describe, expect, it } from 'vitest';
import { parseLoadTestResult } from './result.ts';
import { aResult } from './test-results.ts';

describe('parseLoadTestResult', () => {
  it('accepts a valid result unchanged', () => {
    expect(parseLoadTestResult(JSON.parse(JSON.stringify(aResult())), 'r.json')).toEqual(aResult());
  });

  it('names the file and every bad field, and how to get a good one', () => {
    const bad = { ...aResult(), errorRate: 1.5, latencyMs: { ...aResult().latencyMs, p95: -1 } };
    expect(() => parseLoadTestResult(bad, 'results/pr.json')).toThrow(
      /^results\/pr\.json is not a shiftgate load-test result \(schema v1\): errorRate: .*; latencyMs\.p95: .*Produce one with `npm run loadtest`/,
    );
  });

  it('rejects a result of another schema version', () => {
    expect(() => parseLoadTestResult({ ...aResult(), schemaVersion: 2 }, 'old.json')).toThrow(
      /schemaVersion/,
    );
  });
});
