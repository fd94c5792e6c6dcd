/**
 * The "Tests" section of the pull-request comment, from vitest's JSON reporter files
 * (`npx vitest run --reporter=default --reporter=json --outputFile.json=F`, one file per job or Node version).
 * Each file is its own run with its own row, labelled from its file name (tests-node20.json and
 * tests-node22.json read node20 and node22): summing them would double the counts and hide which Node a failure
 * is on. Counts come from the per-test results, not the report's top-level totals, so a trimmed fixture stays
 * consistent. A file that failed before any test ran (an import error) has no test results, only a failed
 * status and a message: it counts as a failure of its own, or a broken suite would read green.
 */
import { basename, extname, relative } from 'node:path';
import { z } from 'zod';

/** The parts of vitest's JSON report (Jest-compatible shape) that the summary reads; the rest is ignored. */
const vitestReportSchema = z.object({
  startTime: z.number(),
  testResults: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      message: z.string().optional(),
      startTime: z.number().optional(),
      endTime: z.number().optional(),
      assertionResults: z.array(
        z.object({
          fullName: z.string(),
          status: z.enum(['passed', 'failed', 'skipped', 'pending', 'todo', 'disabled']),
          failureMessages: z.array(z.string()).nullable().optional(),
        }),
      ),
    }),
  ),
});

export type VitestReport = z.infer<typeof vitestReportSchema>;

export interface TestFailure {
  /** The test file, relative to the repository root. */
  file: string;
  /** The test's full name, or "(file did not load)" for a file that failed before its tests ran. */
  name: string;
  /** The first line of the failure message. */
  message: string;
}

export interface TestSummary {
  passed: number;
  failed: number;
  skipped: number;
  todo: number;
  files: number;
  /** From the earliest start to the latest end, over every report; ms. */
  durationMs: number;
  failures: TestFailure[];
}

/** More failures than this are counted, not listed: the comment is for spotting, the job log for reading. */
export const LISTED_FAILURES = 10;
/** A failure message's first line is cut at this length; stack traces and diffs stay in the job log. */
const MESSAGE_CHARACTERS = 200;

/** Validates one parsed reporter file; `source` names it in the error. */
export function parseVitestReport(json: unknown, source: string): VitestReport {
  const parsed = vitestReportSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `${source} is not a vitest JSON report (${z.prettifyError(parsed.error).replaceAll('\n', ' ')}); ` +
        'write it with `npx vitest run --reporter=json --outputFile.json=FILE`',
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

function firstLine(text: string): string {
  const line = text.trimStart().split('\n', 1)[0] ?? '';
  return line.length > MESSAGE_CHARACTERS ? `${line.slice(0, MESSAGE_CHARACTERS - 1)}…` : line;
}

/** One reporter file's counts; `root` makes the test files' absolute paths relative. */
export function summarizeRun(report: VitestReport, root: string): TestSummary {
  const summary: TestSummary = {
    passed: 0,
    failed: 0,
    skipped: 0,
    todo: 0,
    files: 0,
    durationMs: 0,
    failures: [],
  };
  let end = report.startTime;
  for (const file of report.testResults) {
    summary.files += 1;
    end = Math.max(end, file.endTime ?? report.startTime);
    const path = relative(root, file.name);
    if (file.status === 'failed' && file.assertionResults.length === 0) {
      summary.failed += 1;
      summary.failures.push({
        file: path,
        name: '(file did not load)',
        message: firstLine(file.message ?? ''),
      });
    }
    for (const test of file.assertionResults) {
      if (test.status === 'passed') summary.passed += 1;
      else if (test.status === 'failed') {
        summary.failed += 1;
        summary.failures.push({
          file: path,
          name: test.fullName,
          message: firstLine(test.failureMessages?.[0] ?? ''),
        });
      } else if (test.status === 'todo') summary.todo += 1;
      else summary.skipped += 1;
    }
  }
  summary.durationMs = end - report.startTime;
  return summary;
}

export interface TestRun {
  /** From the reporter file's name: what tells the runs apart (`node20`). */
  label: string;
  summary: TestSummary;
}

/**
 * The runs' labels from their files' names, less the extension and the part every name shares at a `-`, `_` or
 * `.` (tests-node20.json, tests-node22.json: node20, node22). A lone file keeps its whole name; names that would
 * collide keep their paths.
 */
export function runLabels(paths: readonly string[]): string[] {
  const names = paths.map((path) => basename(path, extname(path)));
  if (names.length < 2) return names;
  const shared = (texts: readonly string[]) => {
    const [first = ''] = texts;
    let length = 0;
    for (let index = 1; index <= first.length; index += 1) {
      if (!texts.every((text) => text.startsWith(first.slice(0, index)))) break;
      if (/[-_.]/.test(first[index - 1] ?? '')) length = index;
    }
    return length;
  };
  const reversed = (text: string) => [...text].reverse().join('');
  const prefix = shared(names);
  const suffix = shared(names.map(reversed));
  const labels = names.map((name) => name.slice(prefix, name.length - suffix));
  const distinct = new Set(labels).size === labels.length && labels.every((label) => label !== '');
  if (distinct) return labels;
  return new Set(names).size === names.length ? names : [...paths];
}

/** Markdown table cells must not break the table. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

const failedCount = (runs: readonly TestRun[]) => runs.reduce((sum, run) => sum + run.summary.failed, 0);

export function testsVerdict(runs: readonly TestRun[]): 'pass' | 'fail' {
  return runs.length === 0 || failedCount(runs) > 0 || runs.some((run) => run.summary.files === 0)
    ? 'fail'
    : 'pass';
}

function headline(runs: readonly TestRun[]): string {
  const failed = failedCount(runs);
  const run = runs.reduce((sum, { summary }) => sum + summary.passed + summary.failed, 0);
  if (failed > 0) {
    const where = runs
      .filter(({ summary }) => summary.failed > 0)
      .map(({ label, summary }) => `${summary.failed} on ${label}`)
      .join(', ');
    return `❌ **${failed} failed** (${where}) of ${run} run`;
  }
  const empty = runs.filter(({ summary }) => summary.files === 0).map(({ label }) => label);
  if (runs.length === 0) return '❌ no test file ran';
  if (empty.length > 0) return `❌ no test file ran on ${empty.join(', ')}`;
  return `✅ all ${run} passed (${runs.map(({ label }) => label).join(', ')})`;
}

/** The section's body (the comment adds the heading): one row per run, then the failures with their run. */
export function renderTestSummary(runs: readonly TestRun[]): string {
  const lines = [
    headline(runs),
    '',
    '| run | passed | failed | skipped | todo | files | duration |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...runs.map(
      ({ label, summary }) =>
        `| ${cell(label)} | ${summary.passed} | ${summary.failed} | ${summary.skipped} | ${summary.todo} | ` +
        `${summary.files} | ${(summary.durationMs / 1000).toFixed(1)} s |`,
    ),
  ];
  const failures = runs.flatMap(({ label, summary }) =>
    summary.failures.map((failure) => ({ label, failure })),
  );
  if (failures.length > 0) {
    lines.push('', '| run | file | test | first line |', '|---|---|---|---|');
    for (const { label, failure } of failures.slice(0, LISTED_FAILURES)) {
      lines.push(
        `| ${cell(label)} | \`${cell(failure.file)}\` | ${cell(failure.name)} | ${cell(failure.message)} |`,
      );
    }
    const rest = failures.length - LISTED_FAILURES;
    if (rest > 0) lines.push('', `…and ${rest} more failed; the job log has them all.`);
  }
  return `${lines.join('\n')}\n`;
}
