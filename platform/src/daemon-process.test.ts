/**
 * The daemon as a process, from the CLI's side, with real detached daemons: a stale daemon.json never gets a
 * process signalled, a stopped (SIGSTOP) daemon is stopped anyway, a daemon killed with SIGKILL has what it
 * left cleared, and the loser of two racing starts leaves the winner's state dir and log alone.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDaemon, spawnDaemon, stopDaemon, takeStartLock } from './daemon-process.ts';
import { daemonInfoFile, LocalPlatform } from './local/local-platform.ts';
import { identifyDaemonPid } from './local/pid.ts';
import { imageContext, isRunning } from './testing/daemon-fixtures.ts';

let scratch: string;
const lines: string[] = [];
const progress = (line: string) => lines.push(line);
const settings = { port: 0, maxConcurrency: 2 };
const spawned: { pid: number; dir: string }[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'shiftgate-daemon-process-'));
});

afterAll(async () => {
  // A failed test must not leave a daemon running; a pid is signalled only while it is still that daemon.
  for (const { pid, dir } of spawned) {
    if (identifyDaemonPid(pid, dir) === 'daemon') process.kill(pid, 'SIGKILL');
  }
  await rm(scratch, { recursive: true, force: true });
});

async function started(dir: string) {
  await mkdir(dir, { recursive: true });
  const info = await spawnDaemon(dir, settings, progress, false);
  spawned.push({ pid: info.pid, dir });
  return info;
}

describe('findDaemon and stopDaemon', () => {
  it('never signal the process a stale daemon.json names: the files are cleared, the process lives', async () => {
    const dir = join(scratch, 'stale');
    await mkdir(join(dir, 'versions', '1'), { recursive: true });
    const bystander: ChildProcess = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const pid = bystander.pid as number;
      const stale = { pid, controlUrl: 'http://127.0.0.1:1', liveUrl: 'http://127.0.0.1:1/', token: 't' };
      await writeFile(daemonInfoFile(dir), JSON.stringify(stale));
      await writeFile(join(dir, 'daemon.lock'), String(pid));
      expect(await findDaemon(dir, progress, 500)).toBeNull();
      expect(isRunning(pid)).toBe(true);
      expect(['daemon.json', 'daemon.lock', 'versions'].filter((f) => existsSync(join(dir, f)))).toEqual([]);
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  it('surfaces a corrupt daemon.json instead of taking it for no platform', async () => {
    const dir = join(scratch, 'corrupt');
    await mkdir(dir, { recursive: true });
    await writeFile(daemonInfoFile(dir), '{"pid": 12');
    await expect(findDaemon(dir, progress)).rejects.toThrow(/daemon\.json is not JSON/);
    await writeFile(daemonInfoFile(dir), '{"pid": "x"}');
    await expect(findDaemon(dir, progress)).rejects.toThrow(/is not a daemon's record/);
  });

  it('stop a daemon that does not answer (SIGSTOP) once its control calls time out', async () => {
    const dir = join(scratch, 'stopped');
    const info = await started(dir);
    process.kill(info.pid, 'SIGSTOP');
    try {
      await expect(new LocalPlatform(info.controlUrl, { timeoutMs: 300 }).status()).rejects.toThrow(
        `the local platform at ${info.controlUrl} did not answer GET /status within 0.3 s`,
      );
      const running = await findDaemon(dir, progress, 300);
      expect(running).toEqual({ info, answering: false });
      await stopDaemon(dir, running as NonNullable<typeof running>, progress, 300);
      expect(isRunning(info.pid)).toBe(false);
      expect(['daemon.json', 'daemon.lock', 'versions'].filter((f) => existsSync(join(dir, f)))).toEqual([]);
      expect(existsSync(join(dir, 'daemon.log'))).toBe(true);
    } finally {
      if (isRunning(info.pid)) process.kill(info.pid, 'SIGKILL');
    }
  }, 60_000);

  it('after a SIGKILL of the daemon, clears its lock and versions and keeps its logs and record', async () => {
    const dir = join(scratch, 'killed');
    const info = await started(dir);
    const platform = new LocalPlatform(info.controlUrl);
    await platform.publishVersion(imageContext());
    await platform.releaseRecord.acquireLock('r1', 'a runner');
    expect(existsSync(join(dir, 'versions', '1'))).toBe(true);
    process.kill(info.pid, 'SIGKILL');
    await expect.poll(() => isRunning(info.pid)).toBe(false);
    expect(await findDaemon(dir, progress)).toBeNull();
    expect(['daemon.json', 'daemon.lock', 'versions'].filter((f) => existsSync(join(dir, f)))).toEqual([]);
    expect(['daemon.log', 'record.json'].filter((f) => existsSync(join(dir, f)))).toEqual([
      'daemon.log',
      'record.json',
    ]);
  }, 60_000);
});

describe('racing starts', () => {
  it('the loser of two spawns on a fresh state dir removes nothing of the winner and only appends to its log', async () => {
    const dir = join(scratch, 'race');
    await mkdir(dir);
    // Both believe they created the state dir: the one whose daemon finds the other's lock must still keep out.
    const outcomes = await Promise.allSettled([
      spawnDaemon(dir, settings, progress, true),
      spawnDaemon(dir, settings, progress, true),
    ]);
    const winner = outcomes.find((o) => o.status === 'fulfilled');
    const loser = outcomes.find((o) => o.status === 'rejected');
    if (winner?.status !== 'fulfilled' || loser?.status !== 'rejected') {
      throw new Error(`expected one start to win: ${JSON.stringify(outcomes)}`);
    }
    spawned.push({ pid: winner.value.pid, dir });
    expect(String(loser.reason)).toMatch(/already runs/);
    const logSize = statSync(join(dir, 'daemon.log')).size;
    const running = await findDaemon(dir, progress);
    expect(running).toEqual({ info: winner.value, answering: true });
    expect((await new LocalPlatform(winner.value.controlUrl).status()).live).toBeNull();
    expect(readFileSync(join(dir, 'daemon.log'), 'utf8')).toMatch(/already runs/);
    await stopDaemon(dir, running as NonNullable<typeof running>, progress);
    expect(statSync(join(dir, 'daemon.log')).size).toBeGreaterThanOrEqual(logSize);
    expect(isRunning(winner.value.pid)).toBe(false);
  }, 60_000);

  it("takes over a daemon.lock whose pid now runs something else than this state dir's daemon", async () => {
    const dir = join(scratch, 'reused-pid');
    await mkdir(dir);
    const bystander: ChildProcess = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await writeFile(join(dir, 'daemon.lock'), String(bystander.pid));
      const info = await started(dir);
      expect(readFileSync(join(dir, 'daemon.lock'), 'utf8')).toBe(String(info.pid));
      await stopDaemon(dir, { info, answering: true }, progress);
      expect(isRunning(bystander.pid as number)).toBe(true);
    } finally {
      bystander.kill('SIGKILL');
    }
  }, 60_000);

  it('a start lock held by a live process refuses a second start; a dead holder is taken over', async () => {
    const dir = join(scratch, 'start-lock');
    await mkdir(dir);
    const release = await takeStartLock(dir);
    await writeFile(join(dir, 'start.lock'), String(process.ppid));
    await expect(takeStartLock(dir)).rejects.toThrow(`another start (pid ${process.ppid})`);
    await writeFile(join(dir, 'start.lock'), '999999999');
    const again = await takeStartLock(dir);
    expect(readFileSync(join(dir, 'start.lock'), 'utf8')).toBe(String(process.pid));
    await again();
    await release();
    expect(existsSync(join(dir, 'start.lock'))).toBe(false);
  });
});
