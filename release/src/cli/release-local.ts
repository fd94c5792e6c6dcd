/**
 * `npm run release:local -- [--inject FAULT]... [--plan …] [--bake …] [--out report.json] [--keep-platform]
 * [--crash-at STATE] [--budget-report FILE] [--override-freeze REASON] [--model-change] | --resume | --abort |
 * --status | --stop`: the release rehearsed on a
 * local Lambda platform (release/src/rehearsal/rehearsal.ts). The exit code is the outcome's (EXIT_CODES), 1 for a
 * failure of the platform or this machine, 2 for a usage error.
 */
import { resolve } from 'node:path';
import { isEntryPoint, runCli } from '../../../common/cli.ts';
import { describeError } from '../../../common/errors.ts';
import {
  DEFAULT_REHEARSAL_DIR,
  REHEARSAL_DIR_VARIABLE,
  rehearsalProgress,
  runRehearsalCommand,
} from '../rehearsal/rehearsal.ts';
import { parseRehearsalArgs, REHEARSAL_USAGE, type RehearsalCommand } from '../rehearsal/rehearsal-args.ts';

const USAGE_EXIT_CODE = 2;

async function main(): Promise<number> {
  let command: RehearsalCommand;
  try {
    command = parseRehearsalArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`release:local: ${describeError(error)}\n${REHEARSAL_USAGE}\n`);
    return USAGE_EXIT_CODE;
  }
  const stateDir = resolve(process.env[REHEARSAL_DIR_VARIABLE] || DEFAULT_REHEARSAL_DIR);
  return runRehearsalCommand(
    { stateDir, progress: rehearsalProgress(), stdout: (text) => process.stdout.write(text) },
    command,
  );
}

if (isEntryPoint(import.meta.url)) {
  await runCli({ name: 'release:local' }, main);
}
