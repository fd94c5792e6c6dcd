/**
 * The runtime inside one execution environment (bundled to runtime.mjs, run with plain `node` in the version's
 * directory): what Lambda's Node runtime does for the handler, over an IPC channel instead of the Runtime API.
 *
 * Init is the import of the handler's module (its top level builds the service and loads the model), timed; then
 * `ready` or `init-error`. Each `invoke` gets a Context as Lambda builds it, suffers its injected faults, runs the
 * handler and answers `result` or `error`. One invocation at a time: the parent never sends a second before the
 * answer, as Lambda never gives an environment two. The app's stdout (its logs and EMF) is the parent's to read.
 *
 * The Lambda variables the service reads (AWS_LAMBDA_FUNCTION_VERSION, SHIFTGATE_STAGE, …) are already in this
 * process's environment: the parent sets them, as Lambda does, so the handler sees them from its first line.
 */

import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { initFails, invocationFault } from '../faults.ts';
import {
  type ChildMessage,
  functionArn,
  type InvokeMessage,
  RUNTIME_CONFIG_VARIABLE,
  type RuntimeConfig,
} from './protocol.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** How often the child checks that its parent still lives, should the IPC channel's end go unnoticed. */
const PARENT_CHECK_MS = 1_000;

const send = (message: ChildMessage) => process.send?.(message);

const errorFields = (error: unknown) =>
  error instanceof Error
    ? { errorType: error.name, errorMessage: error.message }
    : { errorType: 'Error', errorMessage: String(error) };

function readConfig(): RuntimeConfig {
  const raw = process.env[RUNTIME_CONFIG_VARIABLE];
  if (raw === undefined) {
    throw new Error(`${RUNTIME_CONFIG_VARIABLE} is not set: start this runtime through startEnvironment()`);
  }
  return JSON.parse(raw) as RuntimeConfig;
}

async function loadHandler(config: RuntimeConfig): Promise<Handler> {
  let module: { handler?: unknown };
  try {
    module = await import(pathToFileURL(config.handlerFile).href);
  } catch (error) {
    // What Lambda reports for a module that cannot be found; the module's own errors keep their name.
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      throw Object.assign(new Error(`Cannot find module ${config.handlerFile}`, { cause: error }), {
        name: 'Runtime.ImportModuleError',
      });
    }
    throw error;
  }
  if (typeof module.handler !== 'function') {
    throw Object.assign(new Error(`${config.handlerFile} exports no function named handler`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  if (initFails(config.faults, config.startedFor)) {
    throw Object.assign(new Error(`init-fail injected into version ${config.version}`), {
      name: 'InjectedFault',
    });
  }
  return module.handler as Handler;
}

function contextOf(config: RuntimeConfig, message: InvokeMessage, logStreamName: string): Context {
  const callbackStyle = (): never => {
    throw new Error('callback-style completion is not supported; the handler returns a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: config.functionName,
    functionVersion: config.version,
    invokedFunctionArn: functionArn(config.functionName, message.qualifier),
    memoryLimitInMB: String(config.memoryMb),
    awsRequestId: message.requestId,
    logGroupName: `/aws/lambda/${config.functionName}`,
    logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineEpochMs - Date.now()),
    done: callbackStyle,
    fail: callbackStyle,
    succeed: callbackStyle,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function invoke(
  config: RuntimeConfig,
  handler: Handler,
  message: InvokeMessage,
  invocationNumber: number,
  logStreamName: string,
): Promise<void> {
  const startedAt = performance.now();
  const durationMs = () => performance.now() - startedAt;
  const fault = invocationFault(config.faults, {
    viaLive: message.qualifier === 'live',
    invocationNumber,
    random: Math.random(),
  });
  // The process dies mid-invocation, as a runtime that crashes does: the parent sees the exit (Runtime.ExitError).
  if (fault.crash) process.exit(1);
  if (fault.delayMs > 0) await sleep(fault.delayMs);
  if (fault.fail) {
    send({
      type: 'error',
      id: message.id,
      errorType: 'InjectedFault',
      errorMessage: `errors injected into version ${config.version}`,
      durationMs: durationMs(),
    });
    return;
  }
  let answer: ChildMessage;
  try {
    const result = await handler(message.event, contextOf(config, message, logStreamName));
    answer = { type: 'result', id: message.id, result, durationMs: durationMs() };
  } catch (error) {
    answer = { type: 'error', id: message.id, ...errorFields(error), durationMs: durationMs() };
  }
  try {
    send(answer);
  } catch (error) {
    // A result JSON cannot carry (a BigInt, a cycle) is the function's error, as Lambda reports it.
    send({
      type: 'error',
      id: message.id,
      errorType: 'Runtime.MarshalError',
      errorMessage: `the handler's result cannot be serialized: ${errorFields(error).errorMessage}`,
      durationMs: durationMs(),
    });
  }
}

async function main(): Promise<void> {
  // The parent's end of the channel closing means the parent is gone: no environment outlives its platform.
  process.on('disconnect', () => process.exit(0));
  const config = readConfig();
  setInterval(() => {
    if (process.ppid !== config.parentPid) process.exit(0);
  }, PARENT_CHECK_MS).unref();

  const startedAt = performance.now();
  let handler: Handler;
  try {
    handler = await loadHandler(config);
  } catch (error) {
    // Lambda gives up on an environment whose init failed: the parent kills this process on reading it.
    send({ type: 'init-error', ...errorFields(error) });
    return;
  }
  const initMs = performance.now() - startedAt;

  const today = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  const logStreamName = `${today}/[${config.version}]${process.pid}`;
  let invocations = 0;
  process.on('message', (message: InvokeMessage) => {
    invocations += 1;
    void invoke(config, handler, message, invocations, logStreamName);
  });
  send({ type: 'ready', initMs });
}

await main();
