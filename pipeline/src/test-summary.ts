/**
 * The "Tests" section of the pull-request comment, from vitest's JSON reporter files
 * (`npx vitest run --reporter=default --reporter=json --outputFile.json=F`, one file per job). Counts come from
 * the per-test results, not the report's top-level totals, so several files (Node 20 and 22) add up and a
 * trimmed fixture stays consistent. A file that failed before any test ran (an import error) has no test
 * results, only a failed status and a message: it counts as a failure of its own, or a broken suite would read
 * green.
 */
import { relative } from 'node:path';
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

/** Sums the reports; `root` makes the files' absolute paths relative. */
export function summarizeTests(reports: readonly VitestReport[], root: string): TestSummary {
  const summary: TestSummary = {
    passed: 0,
    failed: 0,
    skipped: 0,
    todo: 0,
    files: 0,
    durationMs: 0,
    failures: [],
  };
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const report of reports) {
    start = Math.min(start, report.startTime);
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
  }
  summary.durationMs = end > start ? end - start : 0;
  return summary;
}

/** Markdown table cells must not break the table. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function testsVerdict(summary: TestSummary): 'pass' | 'fail' {
  return summary.failed > 0 || summary.files === 0 ? 'fail' : 'pass';
}

/** The section's body (the comment adds the heading). */
export function renderTestSummary(summary: TestSummary): string {
  const lines = [
    summary.failed > 0
      ? `❌ **${summary.failed} failed** of ${summary.passed + summary.failed} run`
      : summary.files === 0
        ? '❌ no test file ran'
        : `✅ all ${summary.passed} passed`,
    '',
    '| passed | failed | skipped | todo | files | duration |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${summary.passed} | ${summary.failed} | ${summary.skipped} | ${summary.todo} | ${summary.files} | ${(summary.durationMs / 1000).toFixed(1)} s |`,
  ];
  if (summary.failures.length > 0) {
    lines.push('', '| file | test | first line |', '|---|---|---|');
    for (const failure of summary.failures.slice(0, LISTED_FAILURES)) {
      lines.push(`| \`${cell(failure.file)}\` | ${cell(failure.name)} | ${cell(failure.message)} |`);
    }
    const rest = summary.failures.length - LISTED_FAILURES;
    if (rest > 0) lines.push('', `…and ${rest} more failed; the job log has them all.`);
  }
  return `${lines.join('\n')}\n`;
}
