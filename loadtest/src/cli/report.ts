/**
 * npm run loadtest:report -- RESULT.json [--base BASE.json ...] [--out FILE]: the pull-request report (sticky
 * comment and job summary) as markdown, to FILE or stdout. `--base` may repeat, newest first: the newest is
 * compared with, all feed the noise band. A --base that does not exist yet (the base branch has no result) or
 * was written by an older result schema is left out and said so; one that exists but is not a result is an
 * error. Exit 0 when rendered: failing the build is `npm run slo:gate`'s job.
 */
import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import { isEntryPoint, runCli } from '../../../common/cli.ts';
import { loadTestObjectives } from '../../../slo/src/load-test.ts';
import { compareResults } from '../compare.ts';
import { evaluateGate } from '../gate.ts';
import { type PrReportInput, renderPrReport, timelineLimitOf } from '../report.ts';
import type { LoadTestResult } from '../result.ts';
import { readBaseResultFile, readResultFile } from '../result-file.ts';

const USAGE = 'usage: npm run loadtest:report -- RESULT.json [--base BASE.json ...] [--out FILE]';
const log = (message: string) => process.stderr.write(`loadtest:report: ${message}\n`);

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { base: { type: 'string', multiple: true }, out: { type: 'string' } },
    allowPositionals: true,
  });
  const [path, ...extra] = positionals;
  if (path === undefined || extra.length > 0)
    throw new Error(`expected exactly one result file, got ${positionals.length}`);
  const result = await readResultFile(path);
  const bases: LoadTestResult[] = [];
  let why = 'no base-branch result to compare with yet';
  for (const basePath of values.base ?? []) {
    if (!(await exists(basePath))) {
      log(`no base result at ${basePath}; left out`);
      continue;
    }
    const baseResult = await readBaseResultFile(basePath);
    if ('none' in baseResult) {
      log(baseResult.none);
      why = baseResult.none;
    } else {
      bases.push(baseResult);
    }
  }
  const newest = bases[0];
  const base: PrReportInput['base'] =
    newest === undefined ? { none: why } : { result: newest, comparison: compareResults(result, bases) };
  const objectives = loadTestObjectives();
  const markdown = renderPrReport({
    result,
    verdict: evaluateGate(result, objectives),
    base,
    timelineLimit: timelineLimitOf(objectives),
  });
  if (values.out) await writeFileAtomic(values.out, markdown);
  else process.stdout.write(markdown);
}

/** Rendering never fails the build (that is slo:gate's job); only bad input does. */
const BAD_INPUT = 2;

if (isEntryPoint(import.meta.url)) {
  await runCli({ name: 'loadtest:report', usage: USAGE, failureCode: BAD_INPUT }, main);
}
