/**
 * The local platform's daemon: one process owning every piece of state (local-function.ts) behind the control
 * API, plus the HTTP fronts and the execution environments. It runs detached from whoever started it, so a
 * killed client — a CLI, a release runner — leaves the platform and its alias as they were, as AWS would.
 *
 * `node --import tsx platform/src/local/daemon.ts --state-dir DIR [--port P] [--max-concurrency N]
 * [--metric-period-ms MS]`; the CLI (platform/src/cli.ts) starts it. It writes DIR/daemon.json ({pid, controlUrl,
 * liveUrl, token}) once it answers, and removes it when it stops. It exits with ALREADY_RUNS_EXIT_CODE when another
 * daemon holds DIR.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import { isEntryPoint, runCli } from '../../../common/cli.ts';
import { describeError } from '../../../common/errors.ts';
import { createControlApi } from './control-api.ts';
import {
  ALREADY_RUNS_EXIT_CODE,
  DAEMON_DEFAULTS,
  integerFlag,
  metricPeriodFlag,
  PORT_RANGE,
} from './daemon-settings.ts';
import { LocalFunction } from './local-function.ts';
import { type DaemonInfo, daemonInfoFile } from './local-platform.ts';
import { createPidFile, identifyDaemonPid } from './pid.ts';
import { buildRuntime } from './runtime/build.ts';
import { removeVersionDir } from './versions.ts';

export interface DaemonOptions {
  readonly stateDir: string;
  /** The live front's port; 0 for any free one. */
  readonly livePort?: number;
  /** The function's concurrency limit. */
  readonly maxConcurrency: number;
  /** An idle on-demand environment is stopped after this long (DAEMON_DEFAULTS unless told). */
  readonly idleTimeoutMs?: number;
  /** The autoscaler's period (DAEMON_DEFAULTS unless told). */
  readonly scalingPeriodMs?: number;
  /** The metric store's period (DAEMON_DEFAULTS unless told; daemon-settings.ts says which it takes). */
  readonly metricPeriodMs?: number;
  /** Where the daemon's own lines go; stdout (the CLI points it at DIR/daemon.log) unless told. */
  readonly log?: (line: string) => void;
}

export interface Daemon extends DaemonInfo {
  /** Resolves once the daemon has shut down (through the control API or close()). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/** One timestamped line on stdout, which the CLI points at DIR/daemon.log. */
const stdoutLog = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

/** Another daemon holds the state dir's lock: nothing was changed, and nothing is to be undone. */
export class DaemonAlreadyRunsError extends Error {
  override name = 'DaemonAlreadyRunsError';
}

/**
 * One daemon per state dir: a lock file naming its pid, taken over from a pid that is no longer that state dir's
 * daemon (gone, or reused by another process: pid.ts). A holder this system cannot identify counts as a daemon.
 */
async function takeLock(stateDir: string): Promise<string> {
  const lockFile = join(stateDir, 'daemon.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (await createPidFile(lockFile)) return lockFile;
    const holder = Number(await readFile(lockFile, 'utf8').catch(() => ''));
    // This very process holds it when a test runs two daemons in one process.
    if (holder === process.pid || identifyDaemonPid(holder, stateDir) !== 'other') {
      throw new DaemonAlreadyRunsError(
        `a local platform (pid ${holder}) already runs in ${stateDir}: stop it first ` +
          '(npm run platform:local -- stop)',
      );
    }
    await rm(lockFile, { force: true });
  }
  throw new Error(`cannot take ${lockFile}: another daemon is starting in ${stateDir}; try again`);
}

/**
 * A new platform starts from no versions, as its alias and metrics start empty. The previous platform's release
 * record is kept aside under a dated name, not lost: its journal names versions this platform does not have.
 */
async function freshState(stateDir: string): Promise<void> {
  await removeVersionDir(join(stateDir, 'versions'));
  await mkdir(join(stateDir, 'versions'), { recursive: true });
  await mkdir(join(stateDir, 'logs'), { recursive: true });
  const record = join(stateDir, 'record.json');
  if ((await stat(record).catch(() => null)) !== null) {
    await rename(record, join(stateDir, `record.${new Date().toISOString().replaceAll(':', '-')}.json`));
  }
}

/**
 * Starts the daemon. Everything that can refuse — the lock, the live front's port, the control API's — is taken
 * before the state dir changes, so a daemon that cannot start leaves it as it was.
 */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { stateDir } = options;
  const log = options.log ?? stdoutLog;
  await mkdir(stateDir, { recursive: true });
  const lockFile = await takeLock(stateDir);
  const runtimeFile = join(stateDir, 'runtime.mjs');
  const fn = new LocalFunction({
    stateDir,
    runtimeFile,
    maxConcurrency: options.maxConcurrency,
    idleTimeoutMs: options.idleTimeoutMs ?? DAEMON_DEFAULTS.idleTimeoutMs,
    scalingPeriodMs: options.scalingPeriodMs ?? DAEMON_DEFAULTS.scalingPeriodMs,
    metricPeriodMs: options.metricPeriodMs ?? DAEMON_DEFAULTS.metricPeriodMs,
    log,
  });
  const token = randomUUID();
  const control = createControlApi(fn, log, { pid: process.pid, token, stateDir: resolve(stateDir) });
  try {
    const liveUrl = await fn.startLiveFront(options.livePort ?? DAEMON_DEFAULTS.livePort);
    await new Promise<void>((resolve, reject) => {
      control.once('error', reject);
      control.listen(0, '127.0.0.1', () => resolve());
    });
    await freshState(stateDir);
    await buildRuntime(runtimeFile);
    const info: DaemonInfo = {
      pid: process.pid,
      controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
      liveUrl,
      token,
    };

    let resolveClosed = () => {};
    const closed = new Promise<void>((resolve) => {
      resolveClosed = resolve;
    });
    let closing: Promise<void> | null = null;
    const close = () => {
      closing ??= (async () => {
        log('shutting down: stopping every execution environment');
        await fn.close();
        // Versions live as long as their platform; read-only as they are, a plain rm -r could not remove them.
        await removeVersionDir(join(stateDir, 'versions'));
        control.close();
        control.closeAllConnections();
        await rm(daemonInfoFile(stateDir), { force: true });
        await rm(lockFile, { force: true });
        log('stopped');
        resolveClosed();
      })();
      return closing;
    };
    fn.onShutdown(() => void close());

    await writeFileAtomic(daemonInfoFile(stateDir), `${JSON.stringify(info, null, 2)}\n`);
    log(
      `listening: control ${info.controlUrl}, live ${liveUrl}, concurrency limit ${options.maxConcurrency}, ` +
        `metric period ${options.metricPeriodMs ?? DAEMON_DEFAULTS.metricPeriodMs} ms`,
    );
    return { ...info, closed, close };
  } catch (error) {
    control.close();
    await fn.close();
    await rm(lockFile, { force: true });
    throw error;
  }
}

const USAGE =
  'usage: node --import tsx platform/src/local/daemon.ts --state-dir DIR [--port P] [--max-concurrency N] ' +
  '[--scaling-period-ms MS] [--idle-timeout-ms MS] [--metric-period-ms MS]';

if (isEntryPoint(import.meta.url)) {
  await runCli({ name: 'platform daemon' }, async () => {
    const options = {
      'state-dir': { type: 'string' },
      port: { type: 'string' },
      'max-concurrency': { type: 'string' },
      'scaling-period-ms': { type: 'string' },
      'idle-timeout-ms': { type: 'string' },
      'metric-period-ms': { type: 'string' },
    } as const;
    let values: ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];
    try {
      values = parseArgs({ options }).values;
    } catch (error) {
      throw new Error(`${describeError(error)}\n${USAGE}`, { cause: error });
    }
    const stateDir = values['state-dir'];
    if (stateDir === undefined) throw new Error(`--state-dir is required\n${USAGE}`);
    let settings: Omit<DaemonOptions, 'stateDir'>;
    try {
      settings = {
        livePort: integerFlag(values.port, 'port', DAEMON_DEFAULTS.livePort, PORT_RANGE),
        maxConcurrency: integerFlag(
          values['max-concurrency'],
          'max-concurrency',
          DAEMON_DEFAULTS.maxConcurrency,
          {
            min: 1,
          },
        ),
        scalingPeriodMs: integerFlag(
          values['scaling-period-ms'],
          'scaling-period-ms',
          DAEMON_DEFAULTS.scalingPeriodMs,
          { min: 100 },
        ),
        idleTimeoutMs: integerFlag(
          values['idle-timeout-ms'],
          'idle-timeout-ms',
          DAEMON_DEFAULTS.idleTimeoutMs,
          {
            min: 1_000,
          },
        ),
        metricPeriodMs: metricPeriodFlag(values['metric-period-ms']),
      };
    } catch (error) {
      throw new Error(`${describeError(error)}\n${USAGE}`, { cause: error });
    }
    let daemon: Daemon;
    try {
      daemon = await startDaemon({ stateDir, ...settings });
    } catch (error) {
      if (!(error instanceof DaemonAlreadyRunsError)) throw error;
      stdoutLog(`not started: ${error.message}`);
      return ALREADY_RUNS_EXIT_CODE;
    }
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void daemon.close());
    // A daemon outlives the terminal that started it: a hangup is no reason to stop.
    process.on('SIGHUP', () =>
      stdoutLog('ignoring SIGHUP: stop the platform with npm run platform:local -- stop'),
    );
    await daemon.closed;
    return 0;
  });
}
