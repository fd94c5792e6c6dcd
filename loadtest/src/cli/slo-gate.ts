/**
 * npm run slo:gate -- RESULT.json [--markdown FILE]: holds a load-test result (or a raw k6 summary) against the
 * SLOs in slo/. Prints the markdown verdict; exit 0 = every SLO kept, 1 = an SLO failed, 2 = bad input.
 */
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import { isEntryPoint, runCli } from '../../../common/cli.ts';
import { loadTestObjectives } from '../../../slo/src/load-test.ts';
import { evaluateGate } from '../gate.ts';
import { renderGateReport } from '../report.ts';
import { readResultFile } from '../result-file.ts';

const USAGE = 'usage: npm run slo:gate -- RESULT.json [--markdown FILE]';
const EXIT = { kept: 0, sloFailed: 1, badInput: 2 } as const;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { markdown: { type: 'string' } },
    allowPositionals: true,
  });
  const [path, ...extra] = positionals;
  if (path === undefined || extra.length > 0)
    throw new Error(`expected exactly one result file, got ${positionals.length}`);
  const result = await readResultFile(path);
  const verdict = evaluateGate(result, loadTestObjectives());
  const markdown = renderGateReport(result, verdict);
  if (values.markdown) await writeFileAtomic(values.markdown, `${markdown}\n`);
  process.stdout.write(`${markdown}\n`);
  return verdict.passed ? EXIT.kept : EXIT.sloFailed;
}

if (isEntryPoint(import.meta.url)) {
  await runCli({ name: 'slo:gate', usage: USAGE, failureCode: EXIT.badInput }, main);
}
