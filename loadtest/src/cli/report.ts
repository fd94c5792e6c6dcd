/**
 * npm run loadtest:report -- RESULT.json [--base BASE.json] [--out FILE]: the pull-request report (sticky
 * comment and job summary) as markdown, to FILE or stdout. A --base that does not exist yet (the base branch has
 * no result) is reported as such; a --base that exists but is not a result is an error. Exit 0 when rendered:
 * failing the build is `npm run slo:gate`'s job.
 */
import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import { isEntryPoint, runCli } from '../../../common/cli.ts';
import { loadTestObjectives } from '../../../slo/src/load-test.ts';
import { compareResults } from '../compare.ts';
import { evaluateGate } from '../gate.ts';
import { type PrReportInput, renderPrReport, timelineLimitOf } from '../report.ts';
import { readBaseResultFile, readResultFile } from '../result-file.ts';

const USAGE = 'usage: npm run loadtest:report -- RESULT.json [--base BASE.json] [--out FILE]';

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
    options: { base: { type: 'string' }, out: { type: 'string' } },
    allowPositionals: true,
  });
  const [path, ...extra] = positionals;
  if (path === undefined || extra.length > 0)
    throw new Error(`expected exactly one result file, got ${positionals.length}`);
  const result = await readResultFile(path);
  let base: PrReportInput['base'] = null;
  if (values.base !== undefined) {
    if (await exists(values.base)) {
      const baseResult = await readBaseResultFile(values.base);
      base =
        'none' in baseResult
          ? baseResult
          : { result: baseResult, comparison: compareResults(result, baseResult) };
      if ('none' in baseResult) process.stderr.write(`loadtest:report: ${baseResult.none}\n`);
    } else {
      process.stderr.write(
        `loadtest:report: no base result at ${values.base}; reporting without a comparison\n`,
      );
    }
  }
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
