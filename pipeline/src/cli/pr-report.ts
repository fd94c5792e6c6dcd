/**
 * npm run pr:report -- [--tests F ...] [--loadtest F] [--image F] [--infra-diff F] [--<section>-status S]
 *   [--<section>-why TEXT] [--out FILE]
 * The pull-request comment body, rendered locally from the same files the pr-report action reads
 * (pr-report-files.ts, pr-comment.ts): to preview a comment, or to render the docs' sample. A file left out or
 * missing is a section that did not run; --<section>-why says why, when you know (the action's `*-why` inputs
 * are the same). Exit 0 when rendered, 1 on bad input.
 */
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import { isEntryPoint, runCli } from '../../../common/cli.ts';
import { renderPrComment } from '../pr-comment.ts';
import { parseJobStatus, readPrCommentInput } from '../pr-report-files.ts';

const USAGE =
  'usage: npm run pr:report -- [--tests vitest.json ...] [--loadtest report.md] [--image image.json] [--infra-diff diff.md]\n' +
  '                            [--tests-status S] [--loadtest-status S] [--image-status S] [--infra-diff-status S]\n' +
  '                            [--tests-why TEXT] [--loadtest-why TEXT] [--image-why TEXT] [--infra-diff-why TEXT] [--out FILE]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      tests: { type: 'string', multiple: true },
      loadtest: { type: 'string' },
      image: { type: 'string' },
      'infra-diff': { type: 'string' },
      'tests-status': { type: 'string' },
      'loadtest-status': { type: 'string' },
      'image-status': { type: 'string' },
      'infra-diff-status': { type: 'string' },
      'tests-why': { type: 'string' },
      'loadtest-why': { type: 'string' },
      'image-why': { type: 'string' },
      'infra-diff-why': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const input = await readPrCommentInput({
    testsReports: values.tests ?? [],
    loadtestReport: values.loadtest ?? '',
    imageReport: values.image ?? '',
    infraDiff: values['infra-diff'] ?? '',
    statuses: {
      tests: parseJobStatus('--tests-status', values['tests-status'] ?? ''),
      loadTest: parseJobStatus('--loadtest-status', values['loadtest-status'] ?? ''),
      image: parseJobStatus('--image-status', values['image-status'] ?? ''),
      infraDiff: parseJobStatus('--infra-diff-status', values['infra-diff-status'] ?? ''),
    },
    whys: {
      tests: values['tests-why'],
      loadTest: values['loadtest-why'],
      image: values['image-why'],
      infraDiff: values['infra-diff-why'],
    },
    root: process.cwd(),
  });
  const body = renderPrComment(input);
  if (values.out === undefined) process.stdout.write(body);
  else await writeFileAtomic(values.out, body);
}

if (isEntryPoint(import.meta.url)) await runCli({ name: 'pr:report', usage: USAGE }, main);
