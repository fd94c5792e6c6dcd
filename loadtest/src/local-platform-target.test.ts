import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ONE_RUN_COMMANDS, standInCalls, standInCli } from '../fixtures/stand-in-platform.ts';
import { startLocalPlatform, warmEnvironments } from './local-platform-target.ts';

const quiet = () => {};

describe('startLocalPlatform', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'shiftgate-platform-target-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });
  /** Running, not a zombie waiting for the container's init to reap it. */
  const alive = async (pid: number) => {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  };

  it('starts it in a state directory of its own, reads its counts, stops it and removes the directory', async () => {
    const calls = join(work, 'calls.jsonl');
    const platform = await startLocalPlatform(
      quiet,
      { provisionedEnvironments: 4, maxConcurrency: 8 },
      standInCli(calls),
    );
    expect(platform.liveUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${platform.liveUrl}/predict`, { method: 'POST', body: '{}' })).status).toBe(200);
    expect(await platform.counts()).toEqual({ invocations: 1, coldStarts: 0, throttles: 0, spillover: 0 });
    await platform.stop();
    await platform.stop();

    const recorded = await standInCalls(calls);
    expect(recorded.map((call) => call.command)).toEqual(ONE_RUN_COMMANDS);
    // Before the run, every provisioned environment was warmed: 4 lanes of 20 sequential invocations.
    expect(recorded.filter((call) => call.command === 'counted').map((call) => call.invocations)).toEqual([
      80, 81,
    ]);
    expect(recorded[0]).toEqual({
      command: 'start',
      'state-dir': platform.stateDir,
      pc: '4',
      'max-concurrency': '8',
    });
    expect(
      recorded.every(
        (call) =>
          ['serve', 'counted'].includes(call.command ?? '') || call['state-dir'] === platform.stateDir,
      ),
    ).toBe(true);
    const pid = Number(recorded[1]?.pid);
    await expect.poll(() => alive(pid)).toBe(false);
    await expect(access(platform.stateDir)).rejects.toThrow(/ENOENT/);
  });

  it('still stops the platform when the runner ends at once (process.exit, as a second Ctrl-C does)', async () => {
    const calls = join(work, 'exit-calls.jsonl');
    const script = fileURLToPath(new URL('../fixtures/exit-while-platform-runs.ts', import.meta.url));
    const { code, stateDir } = await new Promise<{ code: number | null; stateDir: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        env: { ...process.env, STAND_IN_CALLS: calls },
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += String(chunk);
      });
      child.once('close', (exitCode) => resolve({ code: exitCode, stateDir: stdout.trim() }));
    });
    expect(code).toBe(130);
    await expect
      .poll(async () => (await standInCalls(calls)).map((call) => call.command), { timeout: 10_000 })
      .toContain('stop');
    const server = (await standInCalls(calls)).find((call) => call.command === 'serve');
    await expect.poll(() => alive(Number(server?.pid)), { timeout: 10_000 }).toBe(false);
    // Exiting at once leaves no time to remove the state directory; only the daemon had to go.
    await rm(stateDir, { recursive: true, force: true });
  });

  it('names the command, its output and the kept state directory when start fails, and still calls stop', async () => {
    const calls = join(work, 'failed-calls.jsonl');
    const failure = startLocalPlatform(
      quiet,
      { provisionedEnvironments: 2, maxConcurrency: 4 },
      standInCli(calls, {
        STAND_IN_FAIL_START: '1',
      }),
    );
    await expect(failure).rejects.toThrow(
      /the local Lambda platform did not start; its state and log are in \/.*shiftgate-loadtest-platform-/,
    );
    const error = (await failure.catch((e: Error) => e)) as Error;
    expect(String(error.cause)).toContain('version 1 failed its init on purpose');
    await rm(String(error.message.match(/in (\/\S+)$/)?.[1]), { recursive: true, force: true });
    expect((await standInCalls(calls)).map((call) => call.command)).toEqual(['start', 'stop']);
  });
});

describe('warmEnvironments', () => {
  it('sends each environment its warm-up one request at a time, and refuses a live that does not answer 200', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    let requests = 0;
    let answer = 200;
    const server = createServer((_request, response) => {
      requests += 1;
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      setImmediate(() => {
        inFlight -= 1;
        response.statusCode = answer;
        response.end('{}');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await warmEnvironments(url, 3);
      expect(requests).toBe(60);
      expect(mostInFlight).toBeLessThanOrEqual(3);
      // The first failure stops every lane: each sends at most the request it had in flight.
      answer = 502;
      requests = 0;
      await expect(warmEnvironments(url, 3)).rejects.toThrow(`${url} answered a warm-up request with 502`);
      expect(requests).toBeLessThanOrEqual(3);
    } finally {
      server.close();
    }
  });
});
