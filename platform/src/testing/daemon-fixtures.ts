/**
 * What the daemon's and the CLI's tests share: the image context (built once when missing, then reused: a
 * rebuild mid-suite would swap the folder under another test's feet), request bodies the real handler answers
 * 200 and 400 to, a poll until the platform shows something, and a check that a process is gone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXECUTED_VERSION_HEADER } from '../local/front.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const IMAGE_CONTEXT = join(REPO_ROOT, 'build', 'image-context', 'x86_64');

/** The image context's path, building it first when it is missing. */
export function imageContext(): string {
  if (!existsSync(join(IMAGE_CONTEXT, 'lambda.mjs'))) {
    const build = spawnSync('npm', ['run', 'build:image-context'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (build.status !== 0)
      throw new Error('npm run build:image-context failed: fix it, then run the tests again');
  }
  return IMAGE_CONTEXT;
}

/** A household the model predicts for (200). */
export const GOOD_BODY = JSON.stringify({
  area: 'tokyo',
  householdSize: 2,
  knownUsage: { month: 1, kwh: 300 },
});
/** A body the contract refuses (the app's own 400). */
export const BAD_BODY = JSON.stringify({ area: 'atlantis' });

export interface Answer {
  readonly status: number;
  readonly version: string | null;
  readonly body: string;
}

/** POST /predict to a front; the version that ran it comes from the front's x-amz-executed-version. */
export async function predict(url: string, body: string = GOOD_BODY): Promise<Answer> {
  const response = await fetch(new URL('predict', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return {
    status: response.status,
    version: response.headers.get(EXECUTED_VERSION_HEADER),
    body: await response.text(),
  };
}

/** Reads until `done` holds, every 25 ms; after 20 s an error naming `what` and the last value read. */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what} did not happen within 20 s; last: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Whether a process still runs. An exited process that an orphan's new parent has not reaped yet (a zombie: a
 * container's init may reap late) no longer runs, though signal 0 still reaches it.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** The pids whose parent is `pid` (Linux /proc), for checking that no environment outlives its daemon. */
export function childPids(pid: number): number[] {
  const result = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return result.stdout
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((child) => Number.isInteger(child) && child > 0);
}
