import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isRunning } from '../testing/daemon-fixtures.ts';
import {
  type Environment,
  type EnvironmentOptions,
  EnvironmentUnavailableError,
  InitError,
  type InvocationOutcome,
  startEnvironment,
} from './environment.ts';
import type { FaultPlan } from './faults.ts';
import { functionUrlEvent, httpResponseOf } from './function-url.ts';
import { LOCAL_FUNCTION_NAME } from './lambda-metrics.ts';
import { buildRuntime } from './runtime/build.ts';
import { RUNTIME_CONFIG_VARIABLE } from './runtime/protocol.ts';
import { createVersionDir, removeVersionDir } from './versions.ts';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The image's final stage, which every local version is a copy of. */
const IMAGE_CONTEXT = join(REPO_ROOT, 'build', 'image-context', 'x86_64');

let scratch: string;
let runtimeFile: string;
/** A version made as the daemon makes one: a read-only copy of the image context (fs.cp, then chmod). */
let realVersionDir: string;

/**
 * Other suites (the CLI's `start`) rebuild the image context while this one runs, removing it for a moment; a
 * copy taken while it is back is immune to the next rebuild, which writes new files rather than changing these.
 */
async function copyImageContext(target: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await createVersionDir(IMAGE_CONTEXT, target);
    } catch (error) {
      if (attempt === 60) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'shiftgate-environment-'));
  runtimeFile = join(scratch, 'runtime.mjs');
  await buildRuntime(runtimeFile);
  // Built once, when missing: the suites reuse it (npm run build:image-context refreshes it).
  if (!existsSync(join(IMAGE_CONTEXT, 'lambda.mjs'))) {
    spawnSync('npm', ['run', 'build:image-context'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  realVersionDir = join(scratch, 'version-1');
  await copyImageContext(realVersionDir);
}, 180_000);

afterAll(async () => {
  await removeVersionDir(realVersionDir);
  await rm(scratch, { recursive: true, force: true });
});

const started: Environment[] = [];
afterAll(async () => {
  await Promise.all(started.map((environment) => environment.stop()));
});

async function start(
  overrides: Partial<EnvironmentOptions> & { faults?: FaultPlan } = {},
): Promise<{ environment: Environment; lines: string[] }> {
  const lines: string[] = [];
  const environment = await startEnvironment({
    runtimeFile,
    versionDir: realVersionDir,
    version: '1',
    faults: {},
    startedFor: 'version',
    onLogLine: (line) => lines.push(line),
    ...overrides,
  });
  started.push(environment);
  return { environment, lines };
}

const HOUSEHOLD = { area: 'tokyo', householdSize: 3, knownUsage: { month: 8, kwh: 420 } };

const predictEvent = (requestId: string) =>
  functionUrlEvent({
    method: 'POST',
    rawUrl: '/predict',
    headers: { 'content-type': 'application/json', 'user-agent': 'test' },
    body: new TextEncoder().encode(JSON.stringify(HOUSEHOLD)),
    sourceIp: '127.0.0.1',
    requestId,
    now: new Date(),
    domainName: '127.0.0.1:9',
  });

let requests = 0;
const invoke = (environment: Environment, qualifier = '1', timeoutMs = 5_000): Promise<InvocationOutcome> => {
  requests += 1;
  const requestId = `request-${requests}`;
  return environment.invoke({ event: predictEvent(requestId), qualifier, requestId, timeoutMs });
};

const poll = async (done: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !done(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!done()) throw new Error(`waited 2 s for ${what}`);
};

describe('an execution environment running the real handler', () => {
  it('answers POST /predict after an init it timed, one invocation at a time, and logs EMF', async () => {
    const { environment, lines } = await start();
    expect(environment.initMs).toBeGreaterThan(0);
    expect(environment).toMatchObject({ version: '1', busy: false, alive: true, invocations: 0 });

    const first = invoke(environment);
    expect(environment.busy).toBe(true);
    expect(() => invoke(environment)).toThrow(EnvironmentUnavailableError);
    const outcome = await first;
    expect(outcome.kind).toBe('result');
    const response = httpResponseOf(outcome.kind === 'result' ? outcome.result : undefined);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString())).toHaveProperty('modelVersion');
    expect(environment).toMatchObject({ busy: false, invocations: 1 });

    // The service's EMF line, with the version Lambda's variables gave it.
    await poll(() => lines.some((line) => line.includes('"CloudWatchMetrics"')), 'the EMF line');
    const emf = JSON.parse(lines.find((line) => line.includes('"CloudWatchMetrics"')) ?? '{}');
    expect(emf).toMatchObject({ Version: '1', Stage: 'local', Alias: '1' });
    expect(emf).toHaveProperty('Latency');
  });

  it('stops and leaves no process behind', async () => {
    const { environment } = await start();
    expect(isRunning(environment.pid)).toBe(true);
    await environment.stop();
    expect(environment.alive).toBe(false);
    expect(isRunning(environment.pid)).toBe(false);
    expect(() => invoke(environment)).toThrow(EnvironmentUnavailableError);
  });
});

describe('faults', () => {
  it('init-fail fails the start with an InitError naming the version, and leaves no process', async () => {
    const before = childPids();
    const failing = start({ faults: { initFail: { liveOnly: false } }, version: '7' });
    await expect(failing).rejects.toThrow(InitError);
    await expect(failing).rejects.toThrow(/version 7 .*InjectedFault/);
    expect(childPids().filter((pid) => !before.includes(pid))).toEqual([]);
  });

  it('init-fail@live fails only an environment started for live', async () => {
    const faults = { initFail: { liveOnly: true } };
    await expect(start({ faults, startedFor: 'live' })).rejects.toThrow(InitError);
    const { environment } = await start({ faults, startedFor: 'version' });
    expect(environment.alive).toBe(true);
  });

  it('crash-after=1 answers the first invocation and dies in the second: Runtime.ExitError', async () => {
    const { environment } = await start({ faults: { crashAfter: { invocations: 1, liveOnly: false } } });
    expect((await invoke(environment)).kind).toBe('result');
    expect(await invoke(environment)).toMatchObject({
      kind: 'function-error',
      errorType: 'Runtime.ExitError',
    });
    await environment.exited;
    expect(environment.alive).toBe(false);
    expect(isRunning(environment.pid)).toBe(false);
  });

  it('errors=100% fails each invocation as a function error, and the environment lives on', async () => {
    const { environment } = await start({ faults: { errorRate: { rate: 1, liveOnly: false } } });
    for (let i = 0; i < 2; i += 1) {
      expect(await invoke(environment)).toMatchObject({ kind: 'function-error', errorType: 'InjectedFault' });
    }
    expect(environment).toMatchObject({ alive: true, invocations: 2 });
  });

  it('slow delays each invocation: its duration covers the delay', async () => {
    const { environment } = await start({ faults: { slowMs: { ms: 150, liveOnly: false } } });
    const outcome = await invoke(environment);
    expect(outcome.kind).toBe('result');
    expect(outcome.durationMs).toBeGreaterThanOrEqual(150);
  });

  it('a timeout is Sandbox.Timedout and kills the environment', async () => {
    const { environment } = await start({ faults: { slowMs: { ms: 5_000, liveOnly: false } } });
    const outcome = await invoke(environment, '1', 100);
    expect(outcome).toMatchObject({ kind: 'function-error', errorType: 'Sandbox.Timedout' });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(100);
    expect(environment.alive).toBe(false);
    await environment.exited;
    expect(isRunning(environment.pid)).toBe(false);
  });

  it('an @live fault hits only invocations through live', async () => {
    const { environment } = await start({ faults: { errorRate: { rate: 1, liveOnly: true } } });
    expect((await invoke(environment, '1')).kind).toBe('result');
    expect(await invoke(environment, 'live')).toMatchObject({
      kind: 'function-error',
      errorType: 'InjectedFault',
    });
  });
});

describe('handlers that fail on their own', () => {
  let versions: string;
  beforeAll(async () => {
    versions = join(scratch, 'versions');
  });

  async function versionWith(name: string, lambdaSource: string): Promise<string> {
    const dir = join(versions, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'lambda.mjs'), lambdaSource);
    return dir;
  }

  it('runs the handler as Lambda does: its Context, its variables, the version directory as cwd', async () => {
    const versionDir = await versionWith(
      'echo',
      `export const handler = async (event, context) => ({
         event, cwd: process.cwd(), remainingMs: context.getRemainingTimeInMillis(),
         context: { ...context },
         env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SHIFTGATE_RUNTIME'))),
       });`,
    );
    const { environment } = await start({
      versionDir,
      version: '4',
      memoryMb: 512,
      initializationType: 'provisioned-concurrency',
    });
    expect(environment.coldStartMs).toBeGreaterThanOrEqual(environment.initMs);
    const outcome = await environment.invoke({
      event: { a: 1 },
      qualifier: 'live',
      requestId: 'r-9',
      timeoutMs: 2_000,
    });
    if (outcome.kind !== 'result') throw new Error(`expected a result, got ${JSON.stringify(outcome)}`);
    const seen = outcome.result as Record<string, Record<string, unknown>>;
    expect(seen.event).toEqual({ a: 1 });
    expect(seen.cwd).toBe(versionDir);
    expect(seen.remainingMs).toBeGreaterThan(1_000);
    expect(seen.remainingMs).toBeLessThanOrEqual(2_000);
    expect(seen.context).toMatchObject({
      functionName: LOCAL_FUNCTION_NAME,
      functionVersion: '4',
      invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${LOCAL_FUNCTION_NAME}:live`,
      memoryLimitInMB: '512',
      awsRequestId: 'r-9',
      logGroupName: `/aws/lambda/${LOCAL_FUNCTION_NAME}`,
    });
    expect(seen.env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: LOCAL_FUNCTION_NAME,
      AWS_LAMBDA_FUNCTION_VERSION: '4',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency',
      LAMBDA_TASK_ROOT: versionDir,
      SHIFTGATE_STAGE: 'local',
      AWS_REGION: 'local',
    });
    // Nothing of the parent's own environment leaks in beyond PATH.
    expect(seen.env).not.toHaveProperty('NODE_OPTIONS');
    expect(seen.env).not.toHaveProperty('VITEST');
  });

  it("gives the handler the image's ENV under Lambda's variables and the function's own, and not the parent's", async () => {
    vi.stubEnv('NODE_OPTIONS', '--max-old-space-size=96');
    const versionDir = await versionWith(
      'image-env',
      `export const handler = async () => ({
         NODE_OPTIONS: process.env.NODE_OPTIONS ?? null,
         AWS_REGION: process.env.AWS_REGION,
         IMAGE_ONLY: process.env.IMAGE_ONLY ?? null,
         SET_BY_BOTH: process.env.SET_BY_BOTH,
       });`,
    );
    const seenWith = async (options: Partial<EnvironmentOptions>) => {
      const { environment } = await start({ versionDir, ...options });
      const outcome = await invoke(environment);
      if (outcome.kind !== 'result') throw new Error(`expected a result, got ${JSON.stringify(outcome)}`);
      return outcome.result;
    };
    try {
      expect(
        await seenWith({
          imageEnv: {
            NODE_OPTIONS: '--enable-source-maps',
            AWS_REGION: 'image-region',
            IMAGE_ONLY: 'image',
            SET_BY_BOTH: 'image',
          },
          env: { SET_BY_BOTH: 'function' },
        }),
      ).toEqual({
        NODE_OPTIONS: '--enable-source-maps',
        // A reserved variable is Lambda's, whatever the image says.
        AWS_REGION: 'local',
        IMAGE_ONLY: 'image',
        // The function's configuration overrides the Dockerfile.
        SET_BY_BOTH: 'function',
      });
      // Without an image ENV the parent's NODE_OPTIONS still does not reach the handler.
      expect(await seenWith({ env: { SET_BY_BOTH: 'function' } })).toMatchObject({
        NODE_OPTIONS: null,
        IMAGE_ONLY: null,
      });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("a handler's throw is a function error named by the error's own name", async () => {
    const versionDir = await versionWith(
      'throws',
      "export const handler = async () => { throw new RangeError('out of range'); };",
    );
    const { environment } = await start({ versionDir });
    expect(await invoke(environment)).toMatchObject({
      kind: 'function-error',
      errorType: 'RangeError',
      errorMessage: 'out of range',
    });
    expect(environment.alive).toBe(true);
  });

  it.each([
    ['an init that throws', 'throw new TypeError("no model");', /TypeError: no model/],
    ['a module without handler', 'export const other = 1;', /Runtime\.HandlerNotFound/],
    ['an init that exits', 'console.error("no config"); process.exit(3);', /exit status 3.*no config/],
  ])('%s is an InitError', async (_, source, message) => {
    const versionDir = await versionWith(String(message).replace(/\W/g, ''), source);
    await expect(start({ versionDir })).rejects.toThrow(message);
  });

  it('a missing version directory is an InitError', async () => {
    await expect(start({ versionDir: join(versions, 'missing') })).rejects.toThrow(InitError);
  });

  it('an init that never ends is an InitError once its time is up', async () => {
    const versionDir = await versionWith(
      'hangs',
      'setInterval(() => {}, 1000); await new Promise(() => {}); export const handler = async () => 1;',
    );
    await expect(start({ versionDir, initTimeoutMs: 300 })).rejects.toThrow(/Sandbox\.Timedout/);
  });

  it('the environment exits when its parent dies', async () => {
    const versionDir = await versionWith('parent-dies', 'export const handler = async () => 1;');
    // A parent that starts an environment as startEnvironment does, says its child's pid, then is killed.
    const parentScript = join(scratch, 'parent.mjs');
    await writeFile(
      parentScript,
      `import { fork } from 'node:child_process';
       const child = fork(${JSON.stringify(runtimeFile)}, [], {
         cwd: ${JSON.stringify(versionDir)}, execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
         env: { ${RUNTIME_CONFIG_VARIABLE}: JSON.stringify({ handlerFile: ${JSON.stringify(join(versionDir, 'lambda.mjs'))},
           functionName: 'predictor', version: '1', memoryMb: 128, faults: {}, startedFor: 'version',
           parentPid: process.pid }) } });
       child.on('message', (m) => { if (m.type === 'ready') console.log(child.pid); });`,
    );
    const parent = spawn(process.execPath, [parentScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    const childPid = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (d) => resolve(Number(d))),
    );
    expect(isRunning(childPid)).toBe(true);
    parent.kill('SIGKILL');
    await poll(() => !isRunning(childPid), 'the orphaned environment to exit');
  });
});

/** This process's children, from /proc (Linux): the check that nothing was left running. */
function childPids(): number[] {
  const result = spawnSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return result.stdout
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => pid > 0 && pid !== result.pid);
}
