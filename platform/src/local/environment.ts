import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { STAGE_ENVIRONMENT_VARIABLE } from '../../../service/src/config.ts';
import type { FaultPlan } from './faults.ts';
import { LOCAL_FUNCTION_NAME } from './lambda-metrics.ts';
import {
  type ChildMessage,
  type InvokeMessage,
  LOCAL_REGION,
  RUNTIME_CONFIG_VARIABLE,
  type RuntimeConfig,
} from './runtime/protocol.ts';

/**
 * One execution environment, parent side: a `node` process running the runtime (runtime.mjs) in a version's
 * directory, initialised once (a cold start is this spawn plus the handler's init), then serving one invocation
 * at a time. An environment whose process crashed or timed out is dead, as Lambda discards it; the pool starts
 * another. The process never outlives the parent: it is killed on stop, on a failed or timed-out init, on a
 * timeout, and it exits by itself when the parent's end of the IPC channel closes.
 */

/** The stage the service names in its metrics' Stage dimension. */
export const LOCAL_STAGE = 'local';
/** Lambda's init phase limit for an on-demand environment. */
export const DEFAULT_INIT_TIMEOUT_MS = 10_000;
export const DEFAULT_MEMORY_MB = 1024;
const INIT_LINES_KEPT = 5;

export interface EnvironmentOptions {
  /** The bundled runtime (buildRuntime's output). */
  readonly runtimeFile: string;
  /** The version's directory: LAMBDA_TASK_ROOT, the process's cwd, holding lambda.mjs. */
  readonly versionDir: string;
  readonly version: string;
  readonly faults: FaultPlan;
  readonly startedFor: 'live' | 'version';
  /** Each line the function writes on stdout or stderr (its logs and EMF metrics), as CloudWatch Logs gets it. */
  readonly onLogLine: (line: string) => void;
  /**
   * The image config's environment: the ENV of the Dockerfile's final stage the version was published with
   * (infra/image/dockerfile-env.ts). Lambda's variables and `env` win over it.
   */
  readonly imageEnv?: Readonly<Record<string, string>>;
  /** The function's own environment variables (its configuration's): they win over the image's and Lambda's. */
  readonly env?: Readonly<Record<string, string>>;
  readonly memoryMb?: number;
  readonly initTimeoutMs?: number;
  /** AWS_LAMBDA_INITIALIZATION_TYPE: `provisioned-concurrency` for an environment started ahead of traffic. */
  readonly initializationType?: 'on-demand' | 'provisioned-concurrency';
}

export interface InvokeRequest {
  readonly event: unknown;
  /** `live` or the version number: the qualifier the caller invoked. */
  readonly qualifier: string;
  readonly requestId: string;
  readonly timeoutMs: number;
}

export type InvocationOutcome =
  | { readonly kind: 'result'; readonly result: unknown; readonly durationMs: number }
  | {
      readonly kind: 'function-error';
      readonly errorType: string;
      readonly errorMessage: string;
      readonly durationMs: number;
    };

export interface Environment {
  readonly id: string;
  readonly version: string;
  /** How long the handler's init took, in the environment's own clock (Lambda's Init Duration). */
  readonly initMs: number;
  /** From spawn to ready, as the parent saw it: the whole cold start, process start-up included. */
  readonly coldStartMs: number;
  /** The process's id, for checking that it is gone. */
  readonly pid: number;
  readonly busy: boolean;
  /** False once the process has exited (crashed, timed out, stopped): it takes no more invocations. */
  readonly alive: boolean;
  /** Invocations started in this environment. */
  readonly invocations: number;
  /** Throws EnvironmentUnavailableError when busy or dead: one invocation at a time is an invariant, not a queue. */
  invoke(request: InvokeRequest): Promise<InvocationOutcome>;
  /** Kills the process; resolves once it has exited. */
  stop(): Promise<void>;
  /** Resolves when the process has exited, for whatever reason. */
  readonly exited: Promise<void>;
}

export class InitError extends Error {
  constructor(
    readonly version: string,
    readonly errorType: string,
    errorMessage: string,
    options?: ErrorOptions,
  ) {
    super(
      `an execution environment for version ${version} failed its init: ${errorType}: ${errorMessage}; ` +
        "fix the version's handler or its injected faults and start it again",
      options,
    );
    this.name = 'InitError';
  }
}

export class EnvironmentUnavailableError extends Error {
  override name = 'EnvironmentUnavailableError';
}

/** The variables Lambda sets in every execution environment, with the values a local one has. */
function lambdaVariables(options: EnvironmentOptions, config: RuntimeConfig): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${process.versions.node.split('.')[0]}.x`,
    AWS_LAMBDA_FUNCTION_NAME: config.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: config.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.functionName}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: options.initializationType ?? 'on-demand',
    LAMBDA_TASK_ROOT: options.versionDir,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    [STAGE_ENVIRONMENT_VARIABLE]: LOCAL_STAGE,
    [RUNTIME_CONFIG_VARIABLE]: JSON.stringify(config),
  };
}

function forwardLines(stream: NodeJS.ReadableStream | null, onLogLine: (line: string) => void): void {
  if (stream === null) return;
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', onLogLine);
}

/** Starts an environment and resolves once its init is done; an InitError (and no process left) otherwise. */
export function startEnvironment(options: EnvironmentOptions): Promise<Environment> {
  const config: RuntimeConfig = {
    handlerFile: join(options.versionDir, 'lambda.mjs'),
    functionName: LOCAL_FUNCTION_NAME,
    version: options.version,
    memoryMb: options.memoryMb ?? DEFAULT_MEMORY_MB,
    faults: options.faults,
    startedFor: options.startedFor,
    parentPid: process.pid,
  };
  // Plain node with none of this process's flags (a parent run with --import tsx must not pass it on), and none
  // of its variables: the function sees what it would see on Lambda. There, the image's ENV is the base the
  // function's configuration overrides ("Any values that you provide in the Lambda console or the Lambda API
  // override the values in the Dockerfile",
  // https://docs.aws.amazon.com/lambda/latest/dg/configuration-images.html#configuration-images-settings), and
  // Lambda sets its reserved variables itself, which neither may change
  // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
  const spawnedAt = performance.now();
  const child = fork(options.runtimeFile, [], {
    cwd: options.versionDir,
    env: { ...options.imageEnv, ...lambdaVariables(options, config), ...options.env },
    execArgv: [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  });
  // The last lines before ready say why a runtime that exited during init did (a stack trace on stderr).
  const initLines: string[] = [];
  const onLogLine = (line: string) => {
    if (initLines.push(line) > INIT_LINES_KEPT) initLines.shift();
    options.onLogLine(line);
  };
  forwardLines(child.stdout, onLogLine);
  forwardLines(child.stderr, onLogLine);
  return new Promise((resolve, reject) => {
    // The promise rejects only once the process is gone, so a failed start leaves nothing behind.
    const failInit = (errorType: string, errorMessage: string, cause?: unknown) => {
      clearTimeout(initTimer);
      child.off('message', onInitMessage);
      child.off('close', onEarlyExit);
      child.off('error', onSpawnError);
      const error = new InitError(
        options.version,
        errorType,
        errorMessage,
        cause === undefined ? {} : { cause },
      );
      const gone = child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
      if (gone) return reject(error);
      child.once('exit', () => reject(error));
      child.kill('SIGKILL');
    };
    const initTimeoutMs = options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
    const initTimer = setTimeout(
      () => failInit('Sandbox.Timedout', `init did not finish within ${initTimeoutMs} ms`),
      initTimeoutMs,
    );
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) =>
      failInit(
        'Runtime.ExitError',
        `the runtime exited during init (${signal ?? `exit status ${code}`}); its last lines: ` +
          (initLines.join(' | ') || '(none)'),
      );
    const onInitMessage = (message: ChildMessage) => {
      if (message.type === 'init-error') failInit(message.errorType, message.errorMessage);
      if (message.type !== 'ready') return;
      clearTimeout(initTimer);
      child.off('message', onInitMessage);
      child.off('close', onEarlyExit);
      child.off('error', onSpawnError);
      initLines.length = 0;
      resolve(runningEnvironment(child, options.version, message.initMs, performance.now() - spawnedAt));
    };
    child.on('message', onInitMessage);
    // close, not exit: it comes after the last lines of its stdout and stderr.
    child.on('close', onEarlyExit);
    const onSpawnError = (error: Error) =>
      failInit('Runtime.ExitError', `the runtime could not start: ${error.message}`, error);
    child.on('error', onSpawnError);
  });
}

interface Pending {
  readonly id: number;
  readonly requestId: string;
  readonly startedAt: number;
  readonly settle: (outcome: InvocationOutcome) => void;
}

function runningEnvironment(
  child: ChildProcess,
  version: string,
  initMs: number,
  coldStartMs: number,
): Environment {
  const id = randomUUID();
  const pid = child.pid ?? -1;
  let alive = child.exitCode === null && child.signalCode === null;
  let invocations = 0;
  let pending: Pending | undefined;
  const exited = new Promise<void>((resolve) => {
    if (!alive) resolve();
    child.once('exit', (code, signal) => {
      alive = false;
      // A process that dies under an invocation fails it, as Lambda reports a runtime that exits.
      const invocation = pending;
      if (invocation !== undefined) {
        invocation.settle({
          kind: 'function-error',
          errorType: 'Runtime.ExitError',
          errorMessage: `RequestId: ${invocation.requestId} Error: Runtime exited with error: ${signal ?? `exit status ${code}`}`,
          durationMs: performance.now() - invocation.startedAt,
        });
      }
      resolve();
    });
  });

  child.on('message', (message: ChildMessage) => {
    const invocation = pending;
    if (invocation === undefined || !('id' in message) || message.id !== invocation.id) return;
    invocation.settle(
      message.type === 'result'
        ? { kind: 'result', result: message.result, durationMs: message.durationMs }
        : {
            kind: 'function-error',
            errorType: message.errorType,
            errorMessage: message.errorMessage,
            durationMs: message.durationMs,
          },
    );
  });

  return {
    id,
    version,
    initMs,
    coldStartMs,
    pid,
    get busy() {
      return pending !== undefined;
    },
    get alive() {
      return alive;
    },
    get invocations() {
      return invocations;
    },
    exited,
    invoke({ event, qualifier, requestId, timeoutMs }) {
      if (!alive) {
        throw new EnvironmentUnavailableError(
          `environment ${id} of version ${version} has exited: start another`,
        );
      }
      if (pending !== undefined) {
        throw new EnvironmentUnavailableError(
          `environment ${id} of version ${version} is busy with ${pending.requestId}: ` +
            'an environment serves one invocation at a time; dispatch to an idle one or start another',
        );
      }
      invocations += 1;
      const message: InvokeMessage = {
        type: 'invoke',
        id: invocations,
        event,
        qualifier,
        requestId,
        deadlineEpochMs: Date.now() + timeoutMs,
      };
      return new Promise<InvocationOutcome>((resolve) => {
        const startedAt = performance.now();
        const timer = setTimeout(() => {
          // Lambda stops a timed-out invocation by discarding its environment.
          alive = false;
          child.kill('SIGKILL');
          settle({
            kind: 'function-error',
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
            // A timer may fire a fraction of a millisecond early by performance.now(); Lambda reports the timeout.
            durationMs: Math.max(timeoutMs, performance.now() - startedAt),
          });
        }, timeoutMs);
        const settle = (outcome: InvocationOutcome) => {
          if (pending?.id !== message.id) return;
          clearTimeout(timer);
          pending = undefined;
          resolve(outcome);
        };
        pending = { id: message.id, requestId, startedAt, settle };
        child.send(message, (error) => {
          if (error === null) return;
          alive = false;
          child.kill('SIGKILL');
          settle({
            kind: 'function-error',
            errorType: 'Runtime.ExitError',
            errorMessage: `RequestId: ${requestId} Error: the invocation could not reach the runtime: ${error.message}`,
            durationMs: performance.now() - startedAt,
          });
        });
      });
    },
    stop() {
      if (alive) child.kill('SIGKILL');
      return exited;
    },
  };
}
