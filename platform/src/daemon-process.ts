/**
 * The CLI's edge to the daemon as a process: finding the one that runs for a state dir, spawning a detached one
 * and waiting until it answers, and stopping one. A daemon that fails to start is undone here: the CLI removes
 * what it created for it (the state dir itself, or the log file), as the daemon changes nothing in the state dir
 * before it can answer (daemon.ts), so a failed start leaves the state dir as it was (the error quotes the log).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type DaemonInfo,
  daemonInfoFile,
  daemonLogFile,
  LocalPlatform,
  readDaemonInfo,
} from './local/local-platform.ts';
import { isAlive } from './local/pid.ts';
import { removeVersionDir } from './local/versions.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DAEMON_ENTRY = fileURLToPath(new URL('./local/daemon.ts', import.meta.url));
const DAEMON_START_TIMEOUT_MS = 60_000;
const DAEMON_STOP_TIMEOUT_MS = 30_000;

export type Progress = (line: string) => void;

export interface DaemonSettings {
  readonly port: number;
  readonly maxConcurrency: number;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function tail(file: string, lines: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The running daemon's info, or null when none runs (a stale daemon.json from a killed one is removed). */
export async function runningDaemon(stateDir: string, progress: Progress): Promise<DaemonInfo | null> {
  const info = await readDaemonInfo(stateDir).catch(() => null);
  if (info === null) return null;
  if (isAlive(info.pid)) return info;
  progress(`the daemon of ${stateDir} (pid ${info.pid}) is gone: clearing its state file`);
  await rm(daemonInfoFile(stateDir), { force: true });
  return null;
}

/** Waits until `pid` has exited; SIGKILL after the deadline. */
async function waitForExit(pid: number, progress: Progress): Promise<void> {
  const deadline = Date.now() + DAEMON_STOP_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      // Its environments exit on their own once the daemon's IPC channel closes.
      progress(`pid ${pid} did not stop within ${DAEMON_STOP_TIMEOUT_MS / 1000} s: killing it`);
      process.kill(pid, 'SIGKILL');
      return;
    }
    await sleep(50);
  }
}

/**
 * Spawns a detached daemon for `stateDir` and resolves with its info once it answers. If it stops or does not
 * answer in time, it is killed and what this call created is removed; the error quotes the daemon's log.
 */
export async function spawnDaemon(
  stateDir: string,
  settings: DaemonSettings,
  progress: Progress,
): Promise<DaemonInfo> {
  const createdStateDir = !existsSync(stateDir);
  const logFile = daemonLogFile(stateDir);
  // The log's length before: a failed start takes back what it appended (its error quotes it).
  const logLength = existsSync(logFile) ? statSync(logFile).size : null;
  await mkdir(stateDir, { recursive: true });
  progress(`starting the daemon (log: ${logFile})`);
  const log = openSync(logFile, 'a');
  const args = [
    ...['--state-dir', stateDir, '--port', String(settings.port)],
    ...['--max-concurrency', String(settings.maxConcurrency)],
  ];
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
  let problem = `the daemon did not answer within ${DAEMON_START_TIMEOUT_MS} ms`;
  while (Date.now() < deadline) {
    const info = await readDaemonInfo(stateDir).catch(() => null);
    if (info !== null && info.pid === child.pid) return info;
    if (exit !== null) {
      problem = `the daemon stopped while starting (${exit})`;
      break;
    }
    await sleep(100);
  }
  if (exit === null && child.pid !== undefined) {
    child.kill('SIGTERM');
    await waitForExit(child.pid, progress);
  }
  const said = await tail(logFile, 10);
  if (createdStateDir) {
    await removeVersionDir(join(stateDir, 'versions'));
    await rm(stateDir, { recursive: true, force: true });
  } else {
    if (logLength === null) await rm(logFile, { force: true });
    else await truncate(logFile, logLength);
    // A daemon killed above could not remove its own lock.
    const lock = join(stateDir, 'daemon.lock');
    if ((await readFile(lock, 'utf8').catch(() => '')) === String(child.pid)) await rm(lock, { force: true });
  }
  throw new Error(`${problem}; its log said:\n${said}`);
}

/** Stops the daemon `info` names (through its control API, SIGTERM if that fails) and waits until it is gone. */
export async function stopDaemon(stateDir: string, info: DaemonInfo, progress: Progress): Promise<void> {
  progress(`stopping the daemon (pid ${info.pid}) and its execution environments`);
  await new LocalPlatform(info.controlUrl).shutdown().catch(() => process.kill(info.pid, 'SIGTERM'));
  await waitForExit(info.pid, progress);
  // A daemon killed could not remove its state file.
  await rm(daemonInfoFile(stateDir), { force: true });
}
