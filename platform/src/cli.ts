/**
 * `npm run platform:local -- start|deploy|status|stop`: the local Lambda platform from a shell.
 *
 * - start [--pc N] [--port P] [--inject FAULT]... [--max-concurrency N]: builds the current commit's image
 *   context as version 1, points `live` at it with N provisioned environments (and a 50 % target-tracking
 *   scaling target, min N, max the concurrency limit), waits until they are READY and leaves the daemon running
 *   detached. The last stdout line is the live URL.
 * - deploy [--inject FAULT]...: builds and publishes the next version with no traffic; prints "<n> <url>".
 * - status: one JSON object (live alias, per-version figures, URLs, provisioned concurrency).
 * - stop: ends the daemon and every execution environment; the versions go with them (logs stay).
 *
 * Every command takes --state-dir DIR (default .shiftgate/platform, or SHIFTGATE_PLATFORM_DIR), and start and
 * deploy take --context-dir DIR to publish an image context built already instead of building one.
 * Progress goes to stderr, one line per step; stdout carries only the results.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isEntryPoint, runCli } from '../../common/cli.ts';
import { describeError } from '../../common/errors.ts';
import { STAGES } from '../../infra/config/stages.ts';
import { parseFaults } from './local/faults.ts';
import { type DaemonInfo, daemonLogFile, LocalPlatform, readDaemonInfo } from './local/local-platform.ts';
import { LIVE_ALIAS } from './port.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DAEMON_ENTRY = fileURLToPath(new URL('./local/daemon.ts', import.meta.url));
const DEFAULT_CONTEXT_DIR = join(REPO_ROOT, 'build', 'image-context', 'x86_64');
export const DEFAULT_STATE_DIR = join(REPO_ROOT, '.shiftgate', 'platform');
export const STATE_DIR_VARIABLE = 'SHIFTGATE_PLATFORM_DIR';
const DEFAULT_MAX_CONCURRENCY = 8;
/** The dev stage's minimum provisioned concurrency: a local platform warms what dev keeps warm. */
const DEFAULT_PC = STAGES.dev.provisionedConcurrency.min;
/** Application Auto Scaling's target for the alias, as the stack configures it. */
const TARGET_UTILIZATION = 0.5;
const DAEMON_START_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 120_000;

export const USAGE = `usage: npm run platform:local -- <command> [options]
  start  [--pc N] [--port P] [--inject FAULT]... [--max-concurrency N]   (default pc ${DEFAULT_PC}, limit ${DEFAULT_MAX_CONCURRENCY})
  deploy [--inject FAULT]...
  status
  stop
options for every command: --state-dir DIR (default .shiftgate/platform, or $${STATE_DIR_VARIABLE});
start and deploy: --context-dir DIR publishes an image context built already instead of building one
faults: slow=100ms, errors=5%, crash-after=N, init-fail, each optionally @live (only through the live alias)`;

const progress = (line: string) => process.stderr.write(`platform: ${line}\n`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function integer(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new Error(
      `--${flag} ${value} is not an integer of at least ${min}: give one, e.g. --${flag} ${fallback}`,
    );
  }
  return Number(value);
}

/** The running daemon's info, or null when none runs (a stale daemon.json from a killed one is removed). */
async function runningDaemon(stateDir: string): Promise<DaemonInfo | null> {
  const info = await readDaemonInfo(stateDir).catch(() => null);
  if (info === null) return null;
  if (isAlive(info.pid)) return info;
  progress(`the daemon of ${stateDir} (pid ${info.pid}) is gone: clearing its state file`);
  await rm(join(stateDir, 'daemon.json'), { force: true });
  return null;
}

async function requireDaemon(stateDir: string): Promise<{ info: DaemonInfo; platform: LocalPlatform }> {
  const info = await runningDaemon(stateDir);
  if (info === null) {
    throw new Error(`no local platform runs for ${stateDir}: start one with npm run platform:local -- start`);
  }
  return { info, platform: new LocalPlatform(info.controlUrl) };
}

function buildImageContext(): Promise<void> {
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
        ? done()
        : fail(
            new Error(
              `npm run build:image-context failed (${signal ?? `exit ${code}`}): fix the build first`,
            ),
          ),
    );
  });
}

async function tail(file: string, lines: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

async function spawnDaemon(stateDir: string, port: number, maxConcurrency: number): Promise<DaemonInfo> {
  await mkdir(stateDir, { recursive: true });
  const logFile = daemonLogFile(stateDir);
  progress(`starting the daemon (log: ${logFile})`);
  const log = openSync(logFile, 'a');
  const args = ['--state-dir', stateDir, '--port', String(port), '--max-concurrency', String(maxConcurrency)];
  // Detached, in its own session, its output in a file: the daemon outlives this command and any client.
  const child = spawn(process.execPath, ['--import', 'tsx', DAEMON_ENTRY, ...args], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let exit: string | null = null;
  child.once('exit', (code, signal) => {
    exit = signal ?? `exit ${code}`;
  });
  child.unref();
  const deadline = Date.now() + DAEMON_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const info = await readDaemonInfo(stateDir).catch(() => null);
    if (info !== null && info.pid === child.pid) return info;
    if (exit !== null) {
      throw new Error(
        `the daemon stopped while starting (${exit}); its log says:\n${await tail(logFile, 10)}`,
      );
    }
    await sleep(100);
  }
  throw new Error(`the daemon did not answer within ${DAEMON_START_TIMEOUT_MS} ms; see ${logFile}`);
}

async function waitUntilReady(platform: LocalPlatform, requested: number): Promise<void> {
  let reported = -1;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const config = await platform.provisionedConcurrency(LIVE_ALIAS);
    if (config === null) throw new Error(`provisioned concurrency on ${LIVE_ALIAS} vanished while warming`);
    if (config.status === 'FAILED') {
      throw new Error(
        `provisioned concurrency on ${LIVE_ALIAS} FAILED: ${config.statusReason}; the platform still runs ` +
          '(status shows it): stop it with npm run platform:local -- stop',
      );
    }
    if (config.allocated !== reported) {
      reported = config.allocated;
      progress(`warming provisioned environments on ${LIVE_ALIAS}: ${config.allocated}/${requested} ready`);
    }
    if (config.status === 'READY') return;
    await sleep(50);
  }
  throw new Error(`provisioned concurrency on ${LIVE_ALIAS} was not READY within ${READY_TIMEOUT_MS} ms`);
}

async function start(stateDir: string, values: Record<string, string | string[] | boolean | undefined>) {
  const pc = integer(values.pc as string | undefined, 'pc', DEFAULT_PC, 0);
  const port = integer(values.port as string | undefined, 'port', 0, 0);
  const limit = integer(
    values['max-concurrency'] as string | undefined,
    'max-concurrency',
    DEFAULT_MAX_CONCURRENCY,
    1,
  );
  if (pc > limit) throw new Error(`--pc ${pc} is above --max-concurrency ${limit}: ask for at most ${limit}`);
  const faults = faultsOf(values);
  const running = await runningDaemon(stateDir);
  if (running !== null) {
    throw new Error(
      `a local platform already runs for ${stateDir} (pid ${running.pid}, live ${running.liveUrl}): ` +
        'stop it first with npm run platform:local -- stop',
    );
  }
  const contextDir = await contextOf(values);
  const info = await spawnDaemon(stateDir, port, limit);
  const platform = new LocalPlatform(info.controlUrl);
  try {
    progress(`publishing version 1 from ${contextDir}`);
    const published = await platform.publishVersion(contextDir, faults);
    progress(
      `${LIVE_ALIAS} -> version ${published.version}${published.faults ? ` (faults: ${published.faults})` : ''}`,
    );
  } catch (error) {
    await platform.shutdown().catch(() => {});
    throw error;
  }
  if (pc > 0) {
    progress(
      `provisioned concurrency ${pc} on ${LIVE_ALIAS}; scaling target ${pc}..${limit} at ${TARGET_UTILIZATION * 100} %`,
    );
    await platform.putProvisionedConcurrency(LIVE_ALIAS, pc);
    await platform.registerScalingTarget({
      minCapacity: pc,
      maxCapacity: limit,
      targetUtilization: TARGET_UTILIZATION,
    });
    await waitUntilReady(platform, pc);
  }
  process.stdout.write(`${info.liveUrl}\n`);
}

/** The --inject values, checked here so that a typo fails before anything is built or started. */
function faultsOf(values: Record<string, unknown>): string[] {
  const specs = (values.inject as string[] | undefined) ?? [];
  parseFaults(specs);
  return specs;
}

async function contextOf(values: Record<string, unknown>): Promise<string> {
  const given = values['context-dir'] as string | undefined;
  if (given !== undefined) {
    const handler = join(resolve(given), 'lambda.mjs');
    if (!existsSync(handler)) {
      throw new Error(
        `--context-dir ${given}: ${handler} does not exist; run npm run build:image-context first`,
      );
    }
    return resolve(given);
  }
  await buildImageContext();
  return DEFAULT_CONTEXT_DIR;
}

async function stop(stateDir: string): Promise<void> {
  const info = await runningDaemon(stateDir);
  if (info === null) {
    progress(`no local platform runs for ${stateDir}: nothing to stop`);
    return;
  }
  progress(`stopping the daemon (pid ${info.pid}) and its execution environments`);
  await new LocalPlatform(info.controlUrl).shutdown().catch(() => process.kill(info.pid, 'SIGTERM'));
  const deadline = Date.now() + 30_000;
  while (isAlive(info.pid)) {
    if (Date.now() > deadline) {
      // Its environments exit on their own once the daemon's IPC channel closes.
      progress(`pid ${info.pid} did not stop within 30 s: killing it`);
      process.kill(info.pid, 'SIGKILL');
      await rm(join(stateDir, 'daemon.json'), { force: true });
      break;
    }
    await sleep(50);
  }
  progress('stopped');
}

/** A mistake in how the command was called: its message comes with the usage. */
const usageError = (message: string) => new Error(`${message}\n${USAGE}`);

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        pc: { type: 'string' },
        port: { type: 'string' },
        inject: { type: 'string', multiple: true },
        'max-concurrency': { type: 'string' },
        'state-dir': { type: 'string' },
        'context-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw usageError(describeError(error));
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parse();
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (rest.length > 0) throw usageError(`unexpected arguments ${rest.join(' ')}`);
  const stateDir = resolve(values['state-dir'] ?? process.env[STATE_DIR_VARIABLE] ?? DEFAULT_STATE_DIR);
  switch (command) {
    case 'start':
      await start(stateDir, values);
      return 0;
    case 'deploy': {
      const faults = faultsOf(values);
      const { platform } = await requireDaemon(stateDir);
      const contextDir = await contextOf(values);
      progress(`publishing the next version from ${contextDir}`);
      const published = await platform.publishVersion(contextDir, faults);
      process.stdout.write(`${published.version} ${published.url}\n`);
      return 0;
    }
    case 'status': {
      const { platform } = await requireDaemon(stateDir);
      process.stdout.write(`${JSON.stringify(await platform.status())}\n`);
      return 0;
    }
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
