/**
 * npm run --silent infra:diff -- --base DIR --head DIR [--out FILE]: the pull request's infrastructure diff as
 * Markdown (infra-diff.ts), from two `cdk synth -o DIR` outputs, offline. Exit 0 whatever changed: the comment
 * shows it, a reviewer judges it.
 */
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import { isEntryPoint, runCli } from '../../../common/cli.ts';
import { diffInfrastructure, renderInfraDiff } from '../infra-diff.ts';
import { readSynthTemplates } from '../synth-templates.ts';

const USAGE = 'usage: npm run --silent infra:diff -- --base DIR --head DIR [--out FILE]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { base: { type: 'string' }, head: { type: 'string' }, out: { type: 'string' } },
  });
  if (values.base === undefined || values.head === undefined)
    throw new Error('--base and --head are required');
  const [base, head] = await Promise.all([readSynthTemplates(values.base), readSynthTemplates(values.head)]);
  const markdown = renderInfraDiff(diffInfrastructure(base, head));
  if (values.out === undefined) process.stdout.write(markdown);
  else await writeFileAtomic(values.out, markdown);
}

if (isEntryPoint(import.meta.url)) await runCli({ name: 'infra:diff', usage: USAGE }, main);
