import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  LISTED_FAILURES,
  parseVitestReport,
  renderTestSummary,
  summarizeTests,
  type TestSummary,
  testsVerdict,
} from './test-summary.ts';

/** Real reporter output, trimmed (pipeline/fixtures/README.md says how each was made). */
const fixture = (name: string) =>
  parseVitestReport(
    JSON.parse(readFileSync(new URL(`../fixtures/vitest/${name}.json`, import.meta.url), 'utf8')),
    name,
  );
const passing = fixture('passing');
const failing = fixture('failing');

describe('summarizeTests', () => {
  it('counts a green run from its per-test results', () => {
    const summary = summarizeTests([passing], '/work/main');

    expect(summary).toMatchObject({ passed: 4, failed: 0, skipped: 0, todo: 0, files: 2, failures: [] });
    expect(summary.durationMs).toBeGreaterThan(0);
    expect(testsVerdict(summary)).toBe('pass');
  });

  it('lists a failed test and a file that failed to load, each with its first line', () => {
    const summary = summarizeTests([failing], '/tmp/vfail');

    expect(summary).toMatchObject({ passed: 1, failed: 2, skipped: 1, todo: 1, files: 2 });
    expect(summary.failures).toEqual([
      {
        file: 'broken.test.ts',
        name: '(file did not load)',
        message: "Cannot find module './does-not-exist.ts' imported from /tmp/vfail/broken.test.ts",
      },
      {
        file: 'math.test.ts',
        name: 'percentile fails on the p95 of two samples',
        message: 'AssertionError: expected { p95: 61.2 } to deeply equal { p95: 80 }',
      },
    ]);
    expect(testsVerdict(summary)).toBe('fail');
  });

  it('adds up several reports (one per Node version)', () => {
    const summary = summarizeTests([passing, failing], '/');

    expect(summary).toMatchObject({ passed: 5, failed: 2, files: 4 });
  });

  it('fails a run in which no file ran', () => {
    expect(testsVerdict(summarizeTests([], '/'))).toBe('fail');
  });
});

describe('parseVitestReport', () => {
  it('names the file and the way to write one when it is not a vitest report', () => {
    expect(() => parseVitestReport({ numTotalTests: 3 }, 'tests-node20.json')).toThrow(
      /^tests-node20\.json is not a vitest JSON report \(.*testResults.*\); write it with `npx vitest run --reporter=json/,
    );
  });
});

describe('renderTestSummary', () => {
  it('renders the counts table and the failures', () => {
    const markdown = renderTestSummary(summarizeTests([failing], '/tmp/vfail'));

    expect(markdown).toContain('❌ **2 failed** of 3 run');
    expect(markdown).toMatch(/\| 1 \| 2 \| 1 \| 1 \| 2 \| \d+\.\d s \|/);
    expect(markdown).toContain(
      '| `math.test.ts` | percentile fails on the p95 of two samples | AssertionError: expected { p95: 61.2 } to deeply equal { p95: 80 } |',
    );
  });

  it('caps the listed failures and counts the rest', () => {
    const failures = Array.from({ length: LISTED_FAILURES + 3 }, (_, index) => ({
      file: 'a.test.ts',
      name: `case ${index}`,
      message: 'x | y',
    }));
    const summary: TestSummary = {
      passed: 0,
      failed: failures.length,
      skipped: 0,
      todo: 0,
      files: 1,
      durationMs: 0,
      failures,
    };

    const markdown = renderTestSummary(summary);

    expect(markdown).toContain(`case ${LISTED_FAILURES - 1} |`);
    expect(markdown).not.toContain(`case ${LISTED_FAILURES} |`);
    expect(markdown).toContain('…and 3 more failed');
    expect(markdown).toContain('x \\| y');
  });
});
