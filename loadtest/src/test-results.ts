/** Result fixtures for tests: the committed JSON files, and a builder for table-driven cases. */
import { readFileSync } from 'node:fs';
import { type LoadTestResult, parseLoadTestResult, RESULT_SCHEMA_VERSION } from './result.ts';

export function fixtureResult(name: 'base-main' | 'pr-within-noise' | 'pr-regressed'): LoadTestResult {
  const url = new URL(`../fixtures/results/${name}.json`, import.meta.url);
  return parseLoadTestResult(JSON.parse(readFileSync(url, 'utf8')), url.pathname);
}

export function aResult(overrides: Partial<LoadTestResult> = {}): LoadTestResult {
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: 'node',
    scenario: 'pr',
    target: 'http://127.0.0.1:3000',
    system: { kind: 'local-node-server', microBatching: true },
    gitSha: 'abcdef0123456789',
    startedAt: '2026-11-29T02:00:00.000Z',
    durationSeconds: 60,
    targetRatePerSecond: 200,
    achievedRatePerSecond: 200,
    targetRateReached: true,
    requests: 12_000,
    droppedRequests: 0,
    errorRate: 0,
    statusCounts: { '200': 12_000 },
    successfulRequests: 12_000,
    latencyMs: { p50: 20, p90: 30, p95: 40, p99: 60, max: 100 },
    timeline: null,
    latencySamples: null,
    missing: [],
    notes: [],
    ...overrides,
  };
}
