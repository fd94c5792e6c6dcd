import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  LISTED_FAILURES,
  parseVitestReport,
  renderTestSummary,
  runLabels,
  summarizeRun,
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

const run = (label: string, summary: TestSummary) => ({ label, summary });

describe('summarizeRun', () => {
  it('counts a green run from its per-test results', () => {
    const summary = summarizeRun(passing, '/work/main');

    expect(summary).toMatchObject({ passed: 4, failed: 0, skipped: 0, todo: 0, files: 2, failures: [] });
    expect(summary.durationMs).toBeGreaterThan(0);
    expect(testsVerdict([run('node22', summary)])).toBe('pass');
  });

  it('lists a failed test and a file that failed to load, each with its first line', () => {
    const summary = summarizeRun(failing, '/tmp/vfail');

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
    expect(testsVerdict([run('node22', summary)])).toBe('fail');
  });

  it('fails when no report came, or one run ran no file', () => {
    expect(testsVerdict([])).toBe('fail');
    const empty = summarizeRun({ startTime: 0, testResults: [] }, '/');
    expect(testsVerdict([run('node20', summarizeRun(passing, '/')), run('node22', empty)])).toBe('fail');
  });
});

describe('runLabels', () => {
  it.each([
    { paths: ['reports/tests-node20.json', 'reports/tests-node22.json'], labels: ['node20', 'node22'] },
    { paths: ['a/node20-vitest.json', 'b/node22-vitest.json'], labels: ['node20', 'node22'] },
    { paths: ['reports/tests-node20.json'], labels: ['tests-node20'] },
    { paths: ['x/node20.json', 'x/node2.json'], labels: ['node20', 'node2'] },
    { paths: ['node20/tests.json', 'node22/tests.json'], labels: ['node20/tests.json', 'node22/tests.json'] },
  ])('labels $paths as $labels', ({ paths, labels }) => {
    expect(runLabels(paths)).toEqual(labels);
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
  it('renders one row per run and the failures with the run they failed on', () => {
    const markdown = renderTestSummary([
      run('node20', summarizeRun(failing, '/tmp/vfail')),
      run('node22', summarizeRun(passing, '/work/main')),
    ]);

    expect(markdown).toContain('❌ **2 failed** (2 on node20) of 7 run');
    expect(markdown).toMatch(/\| node20 \| 1 \| 2 \| 1 \| 1 \| 2 \| \d+\.\d s \|/);
    expect(markdown).toMatch(/\| node22 \| 4 \| 0 \| 0 \| 0 \| 2 \| \d+\.\d s \|/);
    expect(markdown).toContain(
      '| node20 | `math.test.ts` | percentile fails on the p95 of two samples | AssertionError: expected { p95: 61.2 } to deeply equal { p95: 80 } |',
    );
  });

  it('names the runs that passed', () => {
    expect(renderTestSummary([run('node20', summarizeRun(passing, '/'))])).toMatch(
      /^✅ all 4 passed \(node20\)\n/,
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

    const markdown = renderTestSummary([run('node22', summary)]);

    expect(markdown).toContain(`case ${LISTED_FAILURES - 1} |`);
    expect(markdown).not.toContain(`case ${LISTED_FAILURES} |`);
    expect(markdown).toContain('…and 3 more failed');
    expect(markdown).toContain('x \\| y');
  });
});
