/**
 * node --import tsx pipeline/src/cli/image-smoke-env.ts --stage STAGE --out smoke.env
 * Writes the environment the stage's function gets on Lambda as a `docker run --env-file` file, so the image's
 * smoke test starts its container as Lambda starts the function (pipeline/src/image-smoke-env.ts).
 */
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import { isEntryPoint, runCli } from '../../../common/cli.ts';
import { functionEnvFile } from '../image-smoke-env.ts';

const USAGE = 'usage: node --import tsx pipeline/src/cli/image-smoke-env.ts --stage STAGE --out smoke.env';

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { stage: { type: 'string' }, out: { type: 'string' } },
  });
  if (values.stage === undefined || values.out === undefined)
    throw new Error('--stage and --out are required');
  await writeFileAtomic(values.out, functionEnvFile(values.stage));
}

if (isEntryPoint(import.meta.url)) await runCli({ name: 'image-smoke-env', usage: USAGE }, main);
