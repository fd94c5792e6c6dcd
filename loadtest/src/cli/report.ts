/**
 * npm run loadtest:report -- RESULT.json [--repeat RUN.json ...] [--base BASE.json ...] [--out FILE]: the
 * pull-request report (sticky comment and job summary) as markdown, to FILE or stdout. RESULT is the run the SLO
 * gate holds; `--repeat` adds further runs of its commit and `--base` runs of the base commit, newest first
 * (the workflow alternates the two on one runner). Runs of one commit are pooled and feed the noise band; a run
 * of another commit is left out and said so (compare.ts). A --base that does not exist (the base run failed) or
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

const USAGE =
  'usage: npm run loadtest:report -- RESULT.json [--repeat RUN.json ...] [--base BASE.json ...] [--out FILE]';
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
    options: {
      base: { type: 'string', multiple: true },
      repeat: { type: 'string', multiple: true },
      out: { type: 'string' },
    },
    allowPositionals: true,
  });
  const [path, ...extra] = positionals;
  if (path === undefined || extra.length > 0)
    throw new Error(`expected exactly one result file, got ${positionals.length}`);
  const result = await readResultFile(path);
  const repeats = await Promise.all((values.repeat ?? []).map((repeatPath) => readResultFile(repeatPath)));
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
    newest === undefined
      ? { none: why }
      : { result: newest, comparison: compareResults([result, ...repeats], bases) };
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
