/**
 * What a pid found in a state dir's files stands for now. A pid outlives its process in daemon.json and
 * daemon.lock (a daemon killed with SIGKILL removes neither), and the system hands it to another process later:
 * a signal sent on the word of a stale file would reach whatever runs there now. On Linux, /proc/<pid>/cmdline
 * tells whether it is still the daemon of that state dir; elsewhere nothing here can tell.
 */
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { link, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** The daemon's entry point, as its command line names it (daemon-process.ts spawns it by this path). */
const DAEMON_ENTRY_SUFFIX = 'platform/src/local/daemon.ts';

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * - 'daemon': the local platform's daemon for `stateDir` runs with this pid;
 * - 'other': the pid is gone, a zombie, or some other process (the pid was reused): the files naming it are stale;
 * - 'unverifiable': a process has this pid, and this system has no /proc to tell what it runs.
 */
export type PidIdentity = 'daemon' | 'other' | 'unverifiable';

export function identifyDaemonPid(pid: number, stateDir: string): PidIdentity {
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return 'other';
  let args: string[];
  let cwd: string;
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    // No /proc at all: not Linux. With /proc, an unreadable entry is another user's process, never our daemon.
    return existsSync('/proc/self/cmdline') ? 'other' : 'unverifiable';
  }
  const at = args.indexOf('--state-dir');
  const dir = at === -1 ? undefined : args[at + 1];
  const isDaemon = args.some((arg) => arg.endsWith(DAEMON_ENTRY_SUFFIX));
  return isDaemon && dir !== undefined && resolve(cwd, dir) === resolve(stateDir) ? 'daemon' : 'other';
}

/**
 * Creates `file` holding this process's pid, or returns false when it exists. Written aside and linked into
 * place, so whoever finds the file finds the whole pid in it: an empty lock read mid-write would look stale.
 */
export async function createPidFile(file: string): Promise<boolean> {
  const aside = `${file}.${process.pid}.tmp`;
  await writeFile(aside, String(process.pid));
  try {
    await link(aside, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(aside, { force: true });
  }
}
