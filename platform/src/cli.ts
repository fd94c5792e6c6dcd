/**
 * `npm run platform:local -- start|deploy|status|stop`: the local Lambda platform from a shell.
 *
 * - start [--pc N] [--port P] [--inject FAULT]... [--max-concurrency N] [--metric-period-ms MS]: builds the
 *   current commit's image context as version 1, points `live` at it with N provisioned environments (and a 50 %
 *   target-tracking scaling target, min N, max the concurrency limit), waits until they are READY and leaves the
 *   daemon running detached, keeping metrics at MS-long periods (CloudWatch's minute unless told). The last stdout line is the live URL. An injected init-fail leaves provisioned concurrency FAILED:
 *   start warns on stderr and still prints the URL (a rehearsal asked for it). Any other failure stops the
 *   daemon start spawned; a bad flag is refused before anything is created.
 * - deploy [--inject FAULT]...: builds and publishes the next version with no traffic; prints "<n> <url>".
 * - status: one JSON object (live alias, per-version figures, URLs, provisioned concurrency).
 * - stop: ends the daemon and every execution environment; the versions go with them (logs stay).
 *
 * Every command takes --state-dir DIR (default .shiftgate/platform, or SHIFTGATE_PLATFORM_DIR), and start and
 * deploy take --context-dir DIR to publish an image context built already instead of building one.
 * Progress goes to stderr, one line per step; stdout carries only the results.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isEntryPoint, runCli } from '../../common/cli.ts';
import { describeError } from '../../common/errors.ts';
import { STAGES } from '../../infra/config/stages.ts';
import { clearStale, findDaemon, spawnDaemon, stopDaemon, takeStartLock } from './daemon-process.ts';
import { DAEMON_DEFAULTS, integerFlag, metricPeriodFlag, PORT_RANGE } from './local/daemon-settings.ts';
import { type FaultPlan, parseFaults } from './local/faults.ts';
import { CONTROL_TIMEOUT_MS, type DaemonInfo, LocalPlatform } from './local/local-platform.ts';
import { publishAndWarm } from './publish-and-warm.ts';
import { statusLine } from './status-output.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEFAULT_CONTEXT_DIR = join(REPO_ROOT, 'build', 'image-context', 'x86_64');
export const DEFAULT_STATE_DIR = join(REPO_ROOT, '.shiftgate', 'platform');
export const STATE_DIR_VARIABLE = 'SHIFTGATE_PLATFORM_DIR';
/** The dev stage's minimum provisioned concurrency: a local platform warms what dev keeps warm. */
const DEFAULT_PC = STAGES.dev.provisionedConcurrency.min;

export const USAGE = `usage: npm run platform:local -- <command> [options]
  start  [--pc N] [--port P] [--inject FAULT]... [--max-concurrency N] [--metric-period-ms MS]
         (default pc ${DEFAULT_PC}, limit ${DAEMON_DEFAULTS.maxConcurrency}, metric period ${DAEMON_DEFAULTS.metricPeriodMs} ms: 100 to ${DAEMON_DEFAULTS.metricPeriodMs}, dividing it)
  deploy [--inject FAULT]...
  status
  stop
options for every command: --state-dir DIR (default .shiftgate/platform, or $${STATE_DIR_VARIABLE});
start and deploy: --context-dir DIR publishes an image context built already instead of building one
faults: slow=100ms, errors=5%, crash-after=N, init-fail, each optionally @live (only through the live alias)`;

/** A mistake in how the command was called: its message comes with the usage. */
const usageError = (message: string) => new Error(`${message}\n${USAGE}`);

const OPTIONS = {
  pc: { type: 'string' },
  port: { type: 'string' },
  inject: { type: 'string', multiple: true },
  'max-concurrency': { type: 'string' },
  'metric-period-ms': { type: 'string' },
  'state-dir': { type: 'string' },
  'context-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];
type Option = keyof typeof OPTIONS;

/** The options each command takes: one given to a command that does not take it is refused, never ignored. */
const COMMAND_OPTIONS: Record<string, readonly Option[]> = {
  start: ['pc', 'port', 'inject', 'max-concurrency', 'metric-period-ms', 'context-dir', 'state-dir'],
  deploy: ['inject', 'context-dir', 'state-dir'],
  status: ['state-dir'],
  stop: ['state-dir'],
};

const progress = (line: string) => process.stderr.write(`platform: ${line}\n`);

async function requireDaemon(stateDir: string): Promise<LocalPlatform> {
  const running = await findDaemon(stateDir, progress);
  if (running === null) {
    throw new Error(`no local platform runs for ${stateDir}: start one with npm run platform:local -- start`);
  }
  if (!running.answering) {
    throw new Error(
      `the daemon of ${stateDir} (pid ${running.info.pid}) runs but does not answer at ` +
        `${running.info.controlUrl} within ${CONTROL_TIMEOUT_MS / 1000} s (stopped or hung): end it with ` +
        'npm run platform:local -- stop',
    );
  }
  return new LocalPlatform(running.info.controlUrl);
}

function buildImageContext(): Promise<string> {
  progress('building the image context (npm run build:image-context)');
  return new Promise((done, fail) => {
    // Its output is progress too: stdout goes to stderr, so stdout keeps only this command's results.
    const child = spawn('npm', ['run', '--silent', 'build:image-context'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', process.stderr, process.stderr],
    });
    child.once('error', (error) =>
      fail(new Error('cannot run npm run build:image-context', { cause: error })),
    );
    child.once('exit', (code, signal) =>
      code === 0
        ? done(DEFAULT_CONTEXT_DIR)
        : fail(
            new Error(
              `npm run build:image-context failed (${signal ?? `exit ${code}`}): fix the build first`,
            ),
          ),
    );
  });
}

/** --context-dir, checked: null when not given (the command builds the context once every flag is checked). */
function givenContext(values: Values): string | null {
  const given = values['context-dir'];
  if (given === undefined) return null;
  const handler = join(resolve(given), 'lambda.mjs');
  if (!existsSync(handler)) {
    throw new Error(
      `--context-dir ${given}: ${handler} does not exist; run npm run build:image-context first`,
    );
  }
  return resolve(given);
}

/** The --inject values, checked here so that a typo fails before anything is built or started. */
function faultsOf(values: Values): { specs: string[]; plan: FaultPlan } {
  const specs = values.inject ?? [];
  return { specs, plan: parseFaults(specs) };
}

async function start(stateDir: string, values: Values): Promise<void> {
  const pc = integerFlag(values.pc, 'pc', DEFAULT_PC, { min: 0 });
  const port = integerFlag(values.port, 'port', DAEMON_DEFAULTS.livePort, PORT_RANGE);
  const limit = integerFlag(values['max-concurrency'], 'max-concurrency', DAEMON_DEFAULTS.maxConcurrency, {
    min: 1,
  });
  if (pc > limit) throw new Error(`--pc ${pc} is above --max-concurrency ${limit}: ask for at most ${limit}`);
  const metricPeriodMs = metricPeriodFlag(values['metric-period-ms']);
  const faults = faultsOf(values);
  const given = givenContext(values);
  // mkdir says whether this start created the state dir: only then may a failed start remove it.
  const createdStateDir = (await mkdir(stateDir, { recursive: true })) !== undefined;
  // Refused while another start holds the state dir (which it may have created): nothing here is to undo then.
  const releaseStartLock = await takeStartLock(stateDir);
  let info: DaemonInfo;
  try {
    const running = await findDaemon(stateDir, progress);
    if (running !== null) {
      throw new Error(
        `a local platform already runs for ${stateDir} (pid ${running.info.pid}, live ${running.info.liveUrl}): ` +
          'stop it first with npm run platform:local -- stop',
      );
    }
    let contextDir: string;
    try {
      contextDir = given ?? (await buildImageContext());
    } catch (error) {
      if (createdStateDir) await rm(stateDir, { recursive: true, force: true });
      throw error;
    }
    info = await spawnDaemon(
      stateDir,
      { port, maxConcurrency: limit, metricPeriodMs },
      progress,
      createdStateDir,
    );
    await publishAndWarm({ info, contextDir, faults, pc, limit, stateDir }, progress);
  } finally {
    await releaseStartLock();
  }
  process.stdout.write(`${info.liveUrl}\n`);
}

async function deploy(stateDir: string, values: Values): Promise<void> {
  const faults = faultsOf(values);
  const given = givenContext(values);
  const platform = await requireDaemon(stateDir);
  const contextDir = given ?? (await buildImageContext());
  progress(`publishing the next version from ${contextDir}`);
  const published = await platform.publishVersion(contextDir, faults.specs);
  process.stdout.write(`${published.version} ${published.url}\n`);
}

async function stop(stateDir: string): Promise<void> {
  const running = await findDaemon(stateDir, progress);
  if (running === null) {
    await clearStale(stateDir, progress);
    progress(`no local platform runs for ${stateDir}: nothing to stop`);
    return;
  }
  await stopDaemon(stateDir, running, progress);
  progress('stopped');
}

/** The command and its options; an option the command does not take is a usage error. */
function parse(): { command: string | undefined; values: Values } {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw usageError(describeError(error));
  }
  const [command, ...rest] = parsed.positionals;
  if (rest.length > 0) throw usageError(`unexpected arguments ${rest.join(' ')}`);
  const allowed = command === undefined ? undefined : COMMAND_OPTIONS[command];
  if (allowed !== undefined) {
    const refused = Object.keys(parsed.values).filter(
      (option) => option !== 'help' && !allowed.includes(option as Option),
    );
    if (refused.length > 0) {
      throw usageError(
        `${command} does not take ${refused.map((option) => `--${option}`).join(', ')}: it takes ` +
          `${allowed.map((option) => `--${option}`).join(', ')}`,
      );
    }
  }
  return { command, values: parsed.values };
}

async function main(): Promise<number> {
  const { command, values } = parse();
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const stateDir = resolve(values['state-dir'] ?? process.env[STATE_DIR_VARIABLE] ?? DEFAULT_STATE_DIR);
  switch (command) {
    case 'start':
      await start(stateDir, values);
      return 0;
    case 'deploy':
      await deploy(stateDir, values);
      return 0;
    case 'status':
      process.stdout.write(statusLine(await (await requireDaemon(stateDir)).status()));
      return 0;
    case 'stop':
      await stop(stateDir);
      return 0;
    default:
      throw usageError(command === undefined ? 'name a command' : `unknown command "${command}"`);
  }
}

if (isEntryPoint(import.meta.url)) {
  await runCli({ name: 'platform:local' }, main);
}
