/**
 * The CLI's edge to the daemon as a process: finding the one that runs for a state dir, spawning a detached one
 * and waiting until it answers, and stopping one.
 *
 * Nothing is signalled on the word of a file alone: daemon.json's pid counts only when the control URL answers
 * with daemon.json's token, or when /proc says the pid still runs the daemon of this state dir (pid.ts). Files
 * naming a pid that is neither are stale and cleared, with the versions a killed daemon left behind.
 *
 * Starts are serialised by start.lock, which `start` holds from its check for a running daemon until its own
 * daemon answers or is undone; a start undoes only what it created, and only when its own daemon failed for
 * another reason than another daemon holding the state dir. daemon.log is only ever appended to.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError } from '../../common/errors.ts';
import { ALREADY_RUNS_EXIT_CODE } from './local/daemon-settings.ts';
import {
  CONTROL_TIMEOUT_MS,
  type DaemonInfo,
  daemonInfoFile,
  daemonLogFile,
  LocalPlatform,
  LocalPlatformError,
  readDaemonInfo,
} from './local/local-platform.ts';
import { createPidFile, identifyDaemonPid, isAlive } from './local/pid.ts';
import { removeVersionDir } from './local/versions.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DAEMON_ENTRY = fileURLToPath(new URL('./local/daemon.ts', import.meta.url));
const DAEMON_START_TIMEOUT_MS = 60_000;
const DAEMON_STOP_TIMEOUT_MS = 30_000;

export type Progress = (line: string) => void;

export interface DaemonSettings {
  readonly port: number;
  readonly maxConcurrency: number;
  /** The metric store's period; the daemon's default (CloudWatch's minute) when absent. */
  readonly metricPeriodMs?: number;
}

/** A daemon found running; `answering` false when only /proc vouches for it (stopped or hung). */
export interface RunningDaemon {
  readonly info: DaemonInfo;
  readonly answering: boolean;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const lockFile = (stateDir: string) => join(stateDir, 'daemon.lock');
const startLockFile = (stateDir: string) => join(stateDir, 'start.lock');

async function tail(file: string, lines: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

const readPid = async (file: string) => Number(await readFile(file, 'utf8').catch(() => ''));

/**
 * Clears what a daemon that is no longer running left: daemon.json if it still names `deadPid`, and the lock and
 * the versions unless a daemon of this state dir holds the lock (one may be starting). Logs and record.json stay.
 */
async function clearLeftovers(stateDir: string, deadPid: number | null, progress: Progress): Promise<void> {
  const named = await readDaemonInfo(stateDir).catch(() => null);
  if (named !== null && named.pid === deadPid) await rm(daemonInfoFile(stateDir), { force: true });
  // A missing or unreadable lock reads as NaN or 0: no daemon holds it.
  if (identifyDaemonPid(await readPid(lockFile(stateDir)), stateDir) !== 'other') return;
  const left = [lockFile(stateDir), join(stateDir, 'versions')].filter((path) => existsSync(path));
  if (left.length === 0) return;
  progress(`clearing what a stopped daemon left: ${left.join(', ')} (logs and record.json stay)`);
  await removeVersionDir(join(stateDir, 'versions'));
  await rm(lockFile(stateDir), { force: true });
}

/** What to do about a pid that this system cannot identify: said, not guessed. */
function unverifiable(stateDir: string, info: DaemonInfo): Error {
  return new Error(
    `the daemon of ${stateDir} (pid ${info.pid}) does not answer at ${info.controlUrl}, and this system has no ` +
      `/proc to tell whether pid ${info.pid} still runs it: if "ps -p ${info.pid} -o args" shows ` +
      `platform/src/local/daemon.ts --state-dir ${stateDir}, end it (kill ${info.pid}; kill -9 ${info.pid} if ` +
      `it stays), then delete ${daemonInfoFile(stateDir)} and ${lockFile(stateDir)}`,
  );
}

/**
 * The daemon that runs for `stateDir`, or null when none does (stale files are then cleared). A corrupt
 * daemon.json, or a silent pid this system cannot identify, is an error saying what to do.
 */
export async function findDaemon(
  stateDir: string,
  progress: Progress,
  controlTimeoutMs = CONTROL_TIMEOUT_MS,
): Promise<RunningDaemon | null> {
  let info: DaemonInfo;
  try {
    info = await readDaemonInfo(stateDir);
  } catch (error) {
    if (error instanceof LocalPlatformError && error.errorName === 'NotRunning') return null;
    throw error;
  }
  const client = new LocalPlatform(info.controlUrl, { timeoutMs: controlTimeoutMs });
  const identity = await client.identity().catch(() => null);
  if (
    identity !== null &&
    info.token !== undefined &&
    identity.token === info.token &&
    identity.pid === info.pid
  ) {
    return { info, answering: true };
  }
  const state = identifyDaemonPid(info.pid, stateDir);
  if (state === 'daemon') return { info, answering: false };
  if (state === 'unverifiable') throw unverifiable(stateDir, info);
  progress(`the daemon of ${stateDir} (pid ${info.pid}) is gone: clearing its state file`);
  await clearLeftovers(stateDir, info.pid, progress);
  return null;
}

/** While nothing runs for `stateDir`, clears what a killed daemon left there (stop does, so a stop cleans up). */
export async function clearStale(stateDir: string, progress: Progress): Promise<void> {
  await clearLeftovers(stateDir, null, progress);
}

/** Whether `pid` still runs the daemon (a zombie does not); where /proc cannot tell, whether the pid exists. */
function stillRuns(pid: number, stateDir: string): boolean {
  const state = identifyDaemonPid(pid, stateDir);
  return state === 'daemon' || (state === 'unverifiable' && isAlive(pid));
}

/** Waits until `pid` has exited; SIGKILL after the deadline, then waits for that. */
async function waitForExit(pid: number, stateDir: string, progress: Progress): Promise<void> {
  const deadline = Date.now() + DAEMON_STOP_TIMEOUT_MS;
  while (stillRuns(pid, stateDir)) {
    if (Date.now() > deadline) {
      // Its environments exit on their own once the daemon's IPC channel closes.
      progress(`pid ${pid} did not stop within ${DAEMON_STOP_TIMEOUT_MS / 1000} s: killing it`);
      process.kill(pid, 'SIGKILL');
      while (stillRuns(pid, stateDir)) await sleep(50);
      return;
    }
    await sleep(50);
  }
}

/**
 * Serialises starts for `stateDir` (which must exist): created exclusively, so of two starts one gets it. A lock
 * whose pid is gone is a crashed start's and is taken over. Returns its release.
 */
export async function takeStartLock(stateDir: string): Promise<() => Promise<void>> {
  const file = startLockFile(stateDir);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (await createPidFile(file)) {
      return async () => {
        if ((await readPid(file)) === process.pid) await rm(file, { force: true });
      };
    }
    const holder = await readPid(file);
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
      throw new Error(
        `another start (pid ${holder}) is starting the platform of ${stateDir}: wait for it, or stop it`,
      );
    }
    await rm(file, { force: true });
  }
  throw new Error(`cannot take ${file}: another start is under way for ${stateDir}; try again`);
}

/**
 * Spawns a detached daemon for `stateDir` (whose start lock the caller holds) and resolves with its info once it
 * answers. If it stops or does not answer in time, it is killed; unless it found another daemon holding the
 * state dir, what it left is cleared, and the state dir itself when `createdStateDir`. The error quotes its log.
 */
export async function spawnDaemon(
  stateDir: string,
  settings: DaemonSettings,
  progress: Progress,
  createdStateDir: boolean,
): Promise<DaemonInfo> {
  const logFile = daemonLogFile(stateDir);
  progress(`starting the daemon (log: ${logFile})`);
  // Appended to, never truncated: another daemon may be writing to it too.
  const log = openSync(logFile, 'a');
  const args = [
    ...['--state-dir', stateDir, '--port', String(settings.port)],
    ...['--max-concurrency', String(settings.maxConcurrency)],
    ...(settings.metricPeriodMs === undefined ? [] : ['--metric-period-ms', String(settings.metricPeriodMs)]),
  ];
  // Detached, in its own session, its output in a file: the daemon outlives this command and any client.
  const child = spawn(process.execPath, ['--import', 'tsx', DAEMON_ENTRY, ...args], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let exit: { code: number | null; signal: string | null } | null = null;
  child.once('exit', (code, signal) => {
    exit = { code, signal };
  });
  child.unref();
  const deadline = Date.now() + DAEMON_START_TIMEOUT_MS;
  let problem = `the daemon did not answer within ${DAEMON_START_TIMEOUT_MS} ms`;
  while (Date.now() < deadline) {
    const info = await readDaemonInfo(stateDir).catch(() => null);
    if (info !== null && info.pid === child.pid) return info;
    if (exit !== null) break;
    await sleep(100);
  }
  if (exit === null && child.pid !== undefined) {
    child.kill('SIGTERM');
    await waitForExit(child.pid, stateDir, progress);
  }
  const ended = exit as { code: number | null; signal: string | null } | null;
  if (ended !== null) problem = `the daemon stopped while starting (${ended.signal ?? `exit ${ended.code}`})`;
  const said = await tail(logFile, 10);
  // Another daemon holds the state dir: everything in it is that daemon's.
  if (ended?.code !== ALREADY_RUNS_EXIT_CODE) {
    if (createdStateDir) {
      await removeVersionDir(join(stateDir, 'versions'));
      await rm(stateDir, { recursive: true, force: true });
    } else if ((await readPid(lockFile(stateDir))) === child.pid) {
      // A daemon killed above could not remove its own lock.
      await rm(lockFile(stateDir), { force: true });
    }
  }
  throw new Error(`${problem}; its log said:\n${said}`);
}

/**
 * Stops the daemon `running` names and waits until it is gone: through its control API, else (no answer in
 * time) SIGTERM — with SIGCONT, so a stopped one handles it — then SIGKILL after a deadline, to a pid only
 * while it is verified as this state dir's daemon. Then clears what it left (logs and record.json stay).
 */
export async function stopDaemon(
  stateDir: string,
  running: RunningDaemon,
  progress: Progress,
  controlTimeoutMs = CONTROL_TIMEOUT_MS,
): Promise<void> {
  const { info } = running;
  progress(`stopping the daemon (pid ${info.pid}) and its execution environments`);
  let asked = false;
  if (running.answering) {
    try {
      await new LocalPlatform(info.controlUrl, { timeoutMs: controlTimeoutMs }).shutdown();
      asked = true;
    } catch (error) {
      progress(`the daemon did not take the shutdown (${describeError(error)}): signalling it`);
    }
  }
  if (!asked) {
    const state = identifyDaemonPid(info.pid, stateDir);
    // It answered with daemon.json's token just now: where /proc cannot tell, that vouches for the pid.
    if (state === 'unverifiable' && !running.answering) throw unverifiable(stateDir, info);
    if (state !== 'other') {
      process.kill(info.pid, 'SIGTERM');
      process.kill(info.pid, 'SIGCONT');
    }
  }
  await waitForExit(info.pid, stateDir, progress);
  await clearLeftovers(stateDir, info.pid, progress);
}
