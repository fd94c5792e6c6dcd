/**
 * `npm run platform:local` end to end: the CLI starts a detached daemon that outlives it, refuses a second one,
 * deploys, reports status and stops everything. A client killed with SIGKILL mid-release leaves the alias and the
 * release record as it set them, as a killed release runner would on AWS.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPlatform } from './local/local-platform.ts';
import { ReleaseLockedError } from './port.ts';
import { childPids, imageContext, isRunning, predict, REPO_ROOT } from './testing/daemon-fixtures.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const LOCAL_PLATFORM = fileURLToPath(new URL('./local/local-platform.ts', import.meta.url));

let scratch: string;
let stateDir: string;
let context: string;

beforeAll(async () => {
  context = imageContext();
  scratch = await mkdtemp(join(tmpdir(), 'shiftgate-cli-'));
  stateDir = join(scratch, 'state');
});

afterAll(async () => {
  // A failed test must not leave a daemon running.
  for (const dir of [stateDir, join(scratch, 'init-fail'), join(scratch, 'broken')]) {
    await run(['stop'], dir).catch(() => {});
  }
  await rm(scratch, { recursive: true, force: true });
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function finished(child: ChildProcess): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

function run(args: readonly string[], dir = stateDir): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args, '--state-dir', dir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return finished(child);
}

/** Every file under `dir` with its content, to tell a state dir left exactly as it was. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return Object.fromEntries(
    await Promise.all(files.map(async (file) => [file, await readFile(file, 'utf8')])),
  );
}

const daemonPid = () =>
  (JSON.parse(readFileSync(join(stateDir, 'daemon.json'), 'utf8')) as { pid: number }).pid;

/** A release runner in its own process: it moves the alias and takes the lock, says so, then waits to be killed. */
const DOOMED_CLIENT = `
const { LocalPlatform } = await import(process.env.LOCAL_PLATFORM);
const platform = await LocalPlatform.connect(process.env.STATE_DIR);
await platform.releaseRecord.acquireLock('doomed', 'a runner about to be killed');
await platform.releaseRecord.append({ releaseId: 'doomed', type: 'shift', data: { weight: 0.25 } }, 1);
const alias = await platform.readAlias();
await platform.updateAlias({ version: alias.version, weights: { 2: 0.25 }, expectedRevisionId: alias.revisionId });
process.stdout.write('moved\\n');
setInterval(() => {}, 1000);
`;

describe('npm run platform:local', () => {
  it('start leaves a detached platform behind and prints the live URL last; a second start fails', async () => {
    const started = await run([
      'start',
      ...['--pc', '1', '--max-concurrency', '4', '--metric-period-ms', '1000'],
      ...['--context-dir', context],
    ]);
    expect(started.stderr).toMatch(/warming provisioned environments on live: 1\/1 ready/);
    expect(started.code).toBe(0);
    const lines = started.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const liveUrl = lines.at(-1) as string;
    expect(liveUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(isRunning(daemonPid())).toBe(true);
    expect((await predict(liveUrl)).status).toBe(200);
    // The terminal that started it closing is no reason to stop.
    process.kill(daemonPid(), 'SIGHUP');
    expect((await predict(liveUrl)).status).toBe(200);

    const second = await run(['start', '--context-dir', context]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/already runs .*stop it first/);
    expect((await predict(liveUrl)).status).toBe(200);
  });

  it('deploy publishes the next version with no traffic and prints its number and URL', async () => {
    const deployed = await run(['deploy', '--inject', 'slow=10ms', '--context-dir', context]);
    expect(deployed.code).toBe(0);
    const [version, url] = deployed.stdout.trim().split(' ');
    expect(version).toBe('2');
    const answer = await predict(url as string);
    expect([answer.status, answer.version]).toEqual([200, '2']);

    const status = await run(['status']);
    expect(status.code).toBe(0);
    expect(status.stdout.endsWith('}\n')).toBe(true);
    const report = JSON.parse(status.stdout);
    // Milliseconds are rounded to 0.01 for the reader.
    for (const v of ['1', '2']) {
      for (const key of ['p50Ms', 'p95Ms']) {
        const ms = report.versions[v][key] as number;
        expect(Math.round(ms * 100) / 100).toBe(ms);
      }
    }
    expect(report.live).toEqual({ version: '1', weights: {} });
    // start's --metric-period-ms 1000 reached the daemon.
    expect(report.metricPeriodMs).toBe(1000);
    const keys = ['invocations', 'errors', 'throttles', 'coldStarts', 'p50Ms', 'p95Ms'];
    for (const v of ['1', '2']) expect(Object.keys(report.versions[v])).toEqual(expect.arrayContaining(keys));
    expect(report.versions['1']).toMatchObject({ invocations: 3, coldStarts: 0 });
    expect(report.versions['2']).toMatchObject({ invocations: 1, coldStarts: 1 });
  });

  it('a client killed with SIGKILL leaves the alias and the release record as it set them', async () => {
    const script = join(scratch, 'doomed-client.mjs');
    await writeFile(script, DOOMED_CLIENT);
    const client = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOCAL_PLATFORM, STATE_DIR: stateDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      client.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('moved') && resolve());
      client.once('exit', (code) => reject(new Error(`the client exited (${code}) before moving the alias`)));
    });
    client.kill('SIGKILL');
    await new Promise((resolve) => client.once('exit', resolve));

    const platform = await LocalPlatform.connect(stateDir);
    expect(await platform.readAlias()).toMatchObject({ version: '1', weights: { 2: 0.25 } });
    expect(await platform.releaseRecord.currentLock()).toMatchObject({ releaseId: 'doomed' });
    expect(await platform.releaseRecord.journal()).toHaveLength(1);
    await expect(platform.releaseRecord.acquireLock('second', 'another runner')).rejects.toThrow(
      ReleaseLockedError,
    );
    const report = JSON.parse((await run(['status'])).stdout);
    expect(report.live).toEqual({ version: '1', weights: { 2: 0.25 } });
  });

  it('start refuses a missing context and a busy port clearly, leaving the state dir as it was', async () => {
    const fresh = join(scratch, 'refused');
    const missing = await run(['start', '--context-dir', join(scratch, 'nowhere')], fresh);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringMatching(/lambda\.mjs does not exist/)]);
    // A state dir a previous platform left: its record and logs, and nothing running.
    const used = join(scratch, 'used');
    await mkdir(join(used, 'logs'), { recursive: true });
    await writeFile(join(used, 'record.json'), '{"lock":null,"journal":[]}\n');
    await writeFile(join(used, 'logs', '1.log'), 'an old line\n');
    await writeFile(join(used, 'daemon.log'), 'an old daemon line\n');
    const before = await snapshot(used);
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((busy.address() as AddressInfo).port);
      for (const dir of [fresh, used]) {
        const refused = await run(['start', '--port', port, '--context-dir', context], dir);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(new RegExp(`--port ${port}: 127\\.0\\.0\\.1:${port} is in use`));
      }
    } finally {
      busy.close();
    }
    expect(existsSync(fresh)).toBe(false);
    // daemon.log is only appended to (another daemon may be writing it): the refusal is added, nothing lost.
    const { [join(used, 'daemon.log')]: log, ...after } = await snapshot(used);
    const { [join(used, 'daemon.log')]: logBefore, ...rest } = before;
    expect(after).toEqual(rest);
    expect(log?.startsWith(logBefore as string)).toBe(true);
    expect(log).toMatch(/is in use/);
  });

  it.each([
    [['status', '--pc', '5'], /status does not take --pc: it takes --state-dir/],
    [['deploy', '--pc', '3'], /deploy does not take --pc: it takes --inject, --context-dir, --state-dir/],
    [['stop', '--inject', 'slow=1ms', '--port', '1'], /stop does not take --inject, --port/],
    [['start', '--port', '99999'], /--port 99999 is not an integer from 0 to 65535/],
    [['start', '--port', '-1'], /--port/],
    [['start', '--max-concurrency', '0'], /--max-concurrency 0 is not an integer of at least 1/],
    [['start', '--pc', '9'], /--pc 9 is above --max-concurrency 8/],
    [['start', '--pc', 'two'], /--pc two is not an integer/],
    [['start', '--metric-period-ms', '7000'], /--metric-period-ms 7000 does not divide 60000/],
    [['start', '--metric-period-ms', '10'], /--metric-period-ms 10 is not an integer from 100 to 60000/],
    [['deploy', '--metric-period-ms', '1000'], /deploy does not take --metric-period-ms/],
    [['start', '--inject', 'slow=fast'], /slow=fast/],
    [['start', '--context-dir', '/nowhere'], /lambda\.mjs does not exist/],
    [['deploy', '--inject', 'errors=200%'], /errors=200%/],
    [['start', 'now'], /unexpected arguments now/],
    [['restart'], /unknown command "restart"/],
  ])('refuses %j before creating or starting anything', async (args, message) => {
    const dir = join(scratch, 'never');
    const refused = await run(args, dir);
    expect([refused.code, refused.stdout]).toEqual([1, '']);
    expect(refused.stderr).toMatch(message);
    expect(existsSync(dir)).toBe(false);
  });

  it('stop ends the daemon and every execution environment', async () => {
    const pid = daemonPid();
    const environments = childPids(pid).filter((child) => isRunning(child));
    expect(environments.length).toBeGreaterThanOrEqual(2);
    const stopped = await run(['stop']);
    expect(stopped.code).toBe(0);
    expect(isRunning(pid)).toBe(false);
    expect(environments.filter((child) => isRunning(child))).toEqual([]);
    expect(existsSync(join(stateDir, 'daemon.json'))).toBe(false);
    expect(existsSync(join(stateDir, 'versions'))).toBe(false);
    const status = await run(['status']);
    expect([status.code, status.stderr]).toEqual([1, expect.stringMatching(/no local platform runs/)]);
  });

  it("stop signals no process on a stale daemon.json's word: the files are cleared, the process lives", async () => {
    const dir = join(scratch, 'stale');
    await mkdir(dir, { recursive: true });
    const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const pid = bystander.pid as number;
      const stale = { pid, controlUrl: 'http://127.0.0.1:1', liveUrl: 'http://127.0.0.1:1/', token: 't' };
      await writeFile(join(dir, 'daemon.json'), JSON.stringify(stale));
      const stopped = await run(['stop'], dir);
      expect([stopped.code, stopped.stderr]).toEqual([0, expect.stringMatching(/is gone.*nothing to stop/s)]);
      expect(isRunning(pid)).toBe(true);
      expect(existsSync(join(dir, 'daemon.json'))).toBe(false);
      await writeFile(join(dir, 'daemon.json'), '{"pid":');
      const status = await run(['status'], dir);
      expect([status.code, status.stderr]).toEqual([1, expect.stringMatching(/daemon\.json is not JSON/)]);
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  it('start with an injected init-fail warns, still prints the live URL last and leaves the platform running', async () => {
    const dir = join(scratch, 'init-fail');
    try {
      // The default provisioned concurrency (dev's minimum) cannot init for live.
      const started = await run(['start', '--inject', 'init-fail@live', '--context-dir', context], dir);
      expect(started.code, started.stderr).toBe(0);
      expect(started.stderr).toMatch(
        /warning: provisioned concurrency on live is FAILED because of the injected fault init-fail@live \(version 1: .*\): every request through live gets a 502/,
      );
      const liveUrl = started.stdout.trimEnd().split('\n').at(-1) as string;
      expect(liveUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await predict(liveUrl)).status).toBe(502);
      const report = JSON.parse((await run(['status'], dir)).stdout);
      // The failed init counts: a release reading the candidate sees its error and its cold start.
      expect(report.versions['1']).toMatchObject({ invocations: 1, errors: 1, coldStarts: 1 });
      expect((await predict(report.versions['1'].url)).status).toBe(200);
    } finally {
      expect((await run(['stop'], dir)).code).toBe(0);
    }
    expect(existsSync(join(dir, 'daemon.json'))).toBe(false);
  });

  it('start whose provisioned concurrency FAILED on its own fails and stops the daemon it started', async () => {
    const dir = join(scratch, 'broken');
    const broken = join(scratch, 'broken-context');
    await mkdir(broken, { recursive: true });
    await writeFile(join(broken, 'lambda.mjs'), "throw new Error('the model file is missing');\n");
    const started = await run(['start', '--pc', '1', '--context-dir', broken], dir);
    expect([started.code, started.stdout]).toEqual([1, '']);
    expect(started.stderr).toMatch(
      /provisioned concurrency on live FAILED: version 1: .*the model file is missing/,
    );
    expect(started.stderr).toMatch(/the platform this start began is stopped \(logs: /);
    expect(existsSync(join(dir, 'daemon.json'))).toBe(false);
    expect(existsSync(join(dir, 'daemon.lock'))).toBe(false);
    expect(existsSync(join(dir, 'versions'))).toBe(false);
    expect(readFileSync(join(dir, 'daemon.log'), 'utf8').trimEnd()).toMatch(/ stopped$/);
    // Nothing left behind: the next start is not told one already runs.
    const again = await run(['start', '--pc', '0', '--context-dir', context], dir);
    expect(again.code, again.stderr).toBe(0);
    expect((await run(['stop'], dir)).code).toBe(0);
  });
});
