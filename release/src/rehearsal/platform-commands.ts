/**
 * The rehearsal's platform, driven through the documented commands as a person would drive it: the image context
 * built once into the state directory, `platform:local start` (version 1 on live with provisioned concurrency),
 * `deploy` (version 2 from the same build, with the injected faults) and `stop`. Each command's stderr is its
 * progress and is passed on; its stdout is its result.
 */
import { join } from 'node:path';
import { liveUrlOf } from '../../../loadtest/src/local-platform-plan.ts';
import { PLATFORM_CLI, runCommand } from '../../../loadtest/src/local-platform-target.ts';
import { REHEARSAL_METRIC_PERIOD_MS } from '../plan.ts';
import type { RehearsalPlatformSize } from './platform-size.ts';

/** Building the service and the image context, or starting a platform whose environments init on two busy cores. */
const BUILD_TIMEOUT_MS = 300_000;
const START_TIMEOUT_MS = 300_000;
/** deploy copies a whole image context; stop waits up to 30 s for a daemon before it kills it. */
const CONTROL_TIMEOUT_MS = 120_000;

/** Where the rehearsal's build goes: inside its state directory, so that no other build replaces it mid-run. */
export const contextDirOf = (stateDir: string) => join(stateDir, 'image-context');

const platform = (args: readonly string[], timeoutMs: number) =>
  runCommand(PLATFORM_CLI.command, [...PLATFORM_CLI.args, ...args], timeoutMs);

/** `npm run build:image-context -- --out DIR`: the current commit's service and image context, once. */
export async function buildContext(contextDir: string): Promise<void> {
  // Its stdout is progress too: the rehearsal's stdout carries only its report.
  process.stderr.write(
    await runCommand(
      'npm',
      ['run', '--silent', 'build:image-context', '--', '--out', contextDir],
      BUILD_TIMEOUT_MS,
    ),
  );
}

/** `start`: version 1 from contextDir on live with `size.pc` provisioned environments; resolves with live's URL. */
export async function startPlatform(
  stateDir: string,
  contextDir: string,
  size: RehearsalPlatformSize,
): Promise<string> {
  const stdout = await platform(
    [
      'start',
      '--state-dir',
      stateDir,
      '--context-dir',
      contextDir,
      '--pc',
      String(size.pc),
      '--max-concurrency',
      String(size.maxConcurrency),
      '--metric-period-ms',
      String(REHEARSAL_METRIC_PERIOD_MS),
    ],
    START_TIMEOUT_MS,
  );
  return liveUrlOf(stdout);
}

/** `deploy`: the same build as the next version, with the faults; resolves with its number. */
export async function deployCandidate(
  stateDir: string,
  contextDir: string,
  faults: readonly string[],
): Promise<string> {
  const injected = faults.flatMap((fault) => ['--inject', fault]);
  const stdout = await platform(
    ['deploy', '--state-dir', stateDir, '--context-dir', contextDir, ...injected],
    CONTROL_TIMEOUT_MS,
  );
  const [version] = stdout.trim().split(/\s+/);
  if (version === undefined || !/^\d+$/.test(version)) {
    throw new Error(
      `platform:local deploy printed "${stdout.trim()}", not "<version> <url>": run it by hand to see why`,
    );
  }
  return version;
}

/** `stop`: the daemon of stateDir and its environments; nothing when none runs. */
export async function stopPlatform(stateDir: string): Promise<void> {
  await platform(['stop', '--state-dir', stateDir], CONTROL_TIMEOUT_MS);
}
