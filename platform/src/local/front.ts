/**
 * The HTTP fronts, each standing for a Function URL: the `live` one routes every request to a version by the
 * alias's weights, a version's own one always to that version. A request becomes a Function URL event, runs on
 * an environment the pool leases, and its result becomes the response; every outcome is recorded as Lambda's
 * metrics record it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError } from '../../../common/errors.ts';
import type { InvocationOutcome } from './environment.ts';
import { functionUrlEvent, httpResponseOf } from './function-url.ts';
import type { InvocationRecord } from './lambda-metrics.ts';
import type { EnvironmentPool } from './pool.ts';

/** Lambda's synchronous invocation payload limit; a bigger request never reaches the function. */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

/**
 * Not a Function URL header: Lambda's Invoke API answers with X-Amz-Executed-Version, and a local front says the
 * same, so a caller (a test, a curious developer) sees which version a weighted alias picked.
 */
export const EXECUTED_VERSION_HEADER = 'x-amz-executed-version';

export interface FrontOptions {
  /** `live`, or the version number the front stands for. */
  readonly qualifier: string;
  /** The version the next request runs on: per request, by weight, for `live`. */
  readonly routeVersion: () => string;
  readonly pool: EnvironmentPool;
  readonly timeoutMs: number;
  readonly record: (outcome: InvocationRecord) => void;
  /** A line for the daemon's log when something goes wrong that the client cannot be told about. */
  readonly log: (line: string) => void;
  readonly port?: number;
  readonly host?: string;
}

export interface Front {
  readonly url: string;
  close(): Promise<void>;
}

const json = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};

/**
 * The whole body, or null past MAX_REQUEST_BYTES. Events rather than `for await`: the async iterator's promises
 * and end-of-stream tracking showed in the daemon's profile at 1,000 req/s, for bodies of one chunk.
 */
function readBody(request: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) {
        chunks.push(chunk);
        return;
      }
      request.off('data', onData).off('end', onEnd);
      request.resume(); // the rest is read and dropped, so the 413 can still be sent on this connection
      resolve(null);
    };
    const onEnd = () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    request.on('data', onData).on('end', onEnd).on('error', reject);
  });
}

async function serve(
  options: FrontOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const requestId = randomUUID();
  const ids = { 'x-amzn-requestid': requestId };
  const body = await readBody(request);
  if (body === null) {
    json(response, 413, { Message: `Request must be smaller than ${MAX_REQUEST_BYTES} bytes` }, ids);
    return;
  }
  const version = options.routeVersion();
  const timestamp = Date.now();
  const base = { timestamp, qualifier: options.qualifier, version };
  const dispatch = await options.pool.dispatch(version, options.qualifier);
  if (dispatch.kind === 'throttle') {
    options.record({ ...base, kind: 'throttle', coldStart: false, spillover: false });
    json(response, 429, { Message: 'Rate Exceeded.' }, ids);
    return;
  }
  if (dispatch.kind === 'init-error') {
    // A cold start whose init failed: Lambda fails the invocation that asked for the environment, and counts it
    // as an invocation, an error and a cold start. Its Duration is the failed init's time: Lambda re-runs a
    // failed init inside that invocation (the "suppressed init" of the execution environment lifecycle,
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html), so the invocation lasts
    // as long as the init did. Recording none would throw in recordInvocation and hide the failure from a
    // release reading the candidate's errors.
    options.log(`version ${version}: init failed on a cold start: ${describeError(dispatch.error)}`);
    options.record({
      ...base,
      kind: 'function-error',
      durationMs: dispatch.initMs,
      coldStart: true,
      spillover: dispatch.spillover,
    });
    json(response, 502, { Message: 'Internal Server Error' }, ids);
    return;
  }
  const { lease } = dispatch;
  const event = functionUrlEvent({
    method: request.method ?? 'GET',
    rawUrl: request.url ?? '/',
    headers: request.headersDistinct,
    body,
    sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
    requestId,
    now: new Date(timestamp),
    domainName: request.headers.host ?? '127.0.0.1',
    protocol: `HTTP/${request.httpVersion}`,
  });
  let outcome: InvocationOutcome;
  try {
    outcome = await lease.environment.invoke({
      event,
      qualifier: options.qualifier,
      requestId,
      timeoutMs: options.timeoutMs,
    });
  } finally {
    lease.release();
  }
  const facts = {
    ...base,
    durationMs: outcome.durationMs,
    coldStart: lease.coldStart,
    spillover: lease.spillover,
  };
  const executed = { ...ids, [EXECUTED_VERSION_HEADER]: version };
  if (outcome.kind === 'function-error') {
    options.record({ ...facts, kind: 'function-error' });
    json(response, 502, { Message: 'Internal Server Error' }, executed);
    return;
  }
  options.record({ ...facts, kind: 'ok' });
  const parts = httpResponseOf(outcome.result);
  response.writeHead(parts.status, {
    ...parts.headers,
    ...executed,
    ...(parts.cookies.length > 0 ? { 'set-cookie': [...parts.cookies] } : {}),
  });
  response.end(parts.body);
}

export async function startFront(options: FrontOptions): Promise<Front> {
  const server = createServer((request, response) => {
    serve(options, request, response).catch((error: unknown) => {
      options.log(
        `front ${options.qualifier}: ${request.method} ${request.url} failed: ${describeError(error)}`,
      );
      if (!response.headersSent) json(response, 502, { Message: 'Internal Server Error' });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
