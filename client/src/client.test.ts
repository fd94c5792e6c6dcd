import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createPredictClient, type Household, type PredictClientOptions, type RetryEvent } from './client.ts';
import { GiveUpError, ProblemError } from './errors.ts';
import { RetryBudget } from './retry-budget.ts';
import { seededRandom } from './retry-policy.ts';
import { createSigV4Signer } from './sigv4.ts';

/** What the fake service got: one entry per request, in order. */
interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Answer = (request: Received, index: number, res: ServerResponse) => void;

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});

/** A real HTTP server on a free port that answers the n-th request with `answer`. */
async function startServer(answer: Answer): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const request = { path: req.url ?? '', headers: req.headers, body };
    received.push(request);
    answer(request, received.length - 1, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  open.push(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const household: Household = { area: 'tokyo', householdSize: 3, knownUsage: { month: 8, kwh: 420 } };
const prediction = {
  modelVersion: 'test',
  unit: 'kWh',
  monthly: Array.from({ length: 12 }, (_, index) => ({ month: index + 1, kwh: 400 })),
  annualKwh: 4_800,
};

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function problem(
  res: ServerResponse,
  status: number,
  title: string,
  headers: Record<string, string> = {},
): void {
  const body = { type: 'about:blank', title, status, detail: `${title}.`, errors: [] };
  res.writeHead(status, { 'content-type': 'application/problem+json', ...headers }).end(JSON.stringify(body));
}

/** Quick waits so the tests spend their time on the failures, not on the backoff. */
function client(url: string, overrides: Partial<PredictClientOptions> = {}) {
  const retries: RetryEvent[] = [];
  const predictClient = createPredictClient({
    url,
    backoff: { baseMs: 5, capMs: 20 },
    random: seededRandom(1),
    onRetry: (event) => retries.push(event),
    ...overrides,
  });
  return { predictClient, retries };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('createPredictClient against real servers', () => {
  it('retries 3 × 503 and answers the 200 that follows, telling onRetry each time', async () => {
    const server = await startServer((_, index, res) =>
      index < 3 ? problem(res, 503, 'Service Unavailable') : json(res, 200, prediction),
    );
    const { predictClient, retries } = client(server.url);

    await expect(predictClient.predict(household)).resolves.toEqual(prediction);

    expect(server.received).toHaveLength(4);
    expect(server.received.map((request) => request.path)).toEqual(Array(4).fill('/predict'));
    expect(server.received.every((request) => JSON.parse(request.body).area === 'tokyo')).toBe(true);
    expect(retries.map((event) => event.attempt)).toEqual([1, 2, 3]);
    expect(retries.every((event) => event.cause instanceof ProblemError && event.cause.status === 503)).toBe(
      true,
    );
  });

  it('waits what a 429’s Retry-After asks for instead of its own backoff', async () => {
    const server = await startServer((_, index, res) =>
      index === 0
        ? problem(res, 429, 'Too Many Requests', { 'retry-after': '1' })
        : json(res, 200, prediction),
    );
    const { predictClient, retries } = client(server.url);

    await expect(predictClient.predict(household)).resolves.toEqual(prediction);

    expect(server.received).toHaveLength(2);
    expect(retries).toEqual([expect.objectContaining({ attempt: 1, delayMs: 1_000 })]);
  });

  it('gives up at once when a Retry-After reaches past the deadline', async () => {
    const server = await startServer((_, __, res) =>
      problem(res, 429, 'Too Many Requests', { 'retry-after': '120' }),
    );
    const { predictClient, retries } = client(server.url, { deadlineMs: 5_000 });

    const error = await rejection(predictClient.predict(household));

    expect(error).toBeInstanceOf(GiveUpError);
    expect(error).toMatchObject({ attempts: 1, why: 'deadline', cause: { status: 429 } });
    expect(server.received).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('retries a connection reset', async () => {
    const server = await startServer((_, index, res) => {
      if (index === 0) res.socket?.destroy();
      else json(res, 200, prediction);
    });
    const { predictClient, retries } = client(server.url);

    await expect(predictClient.predict(household)).resolves.toEqual(prediction);

    expect(server.received).toHaveLength(2);
    expect(retries).toEqual([
      expect.objectContaining({
        cause: expect.objectContaining({ message: expect.stringContaining('failed on the network') }),
      }),
    ]);
  });

  it('abandons an attempt that hangs past its timeout and retries', async () => {
    const server = await startServer((_, index, res) => {
      if (index > 0) json(res, 200, prediction); // the first request is never answered
    });
    const { predictClient, retries } = client(server.url, { attemptTimeoutMs: 200 });

    await expect(predictClient.predict(household)).resolves.toEqual(prediction);

    expect(server.received).toHaveLength(2);
    expect(retries).toEqual([
      expect.objectContaining({
        cause: expect.objectContaining({ message: expect.stringContaining('timed out after 200 ms') }),
      }),
    ]);
  });

  it('gives up at the deadline when every attempt hangs', async () => {
    const server = await startServer(() => {});
    const { predictClient } = client(server.url, { attemptTimeoutMs: 150, deadlineMs: 400, maxAttempts: 10 });

    const error = await rejection(predictClient.predict(household));

    expect(error).toBeInstanceOf(GiveUpError);
    expect(error).toMatchObject({ why: 'deadline' });
    expect((error as GiveUpError).attempts).toBeGreaterThanOrEqual(2);
  });

  it('stops the moment the caller aborts, with the caller’s reason, long before any timeout', async () => {
    const server = await startServer(() => {});
    const { predictClient } = client(server.url, { attemptTimeoutMs: 60_000, deadlineMs: 60_000 });
    const controller = new AbortController();
    const reason = new Error('the user left');

    const call = rejection(predictClient.predict(household, { signal: controller.signal }));
    while (server.received.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(reason);

    expect(await call).toBe(reason);
    await expect(predictClient.predict(household, { signal: controller.signal })).rejects.toBe(reason);
    expect(server.received).toHaveLength(1);
  });

  it('does not retry a 400 and hands back its problem details', async () => {
    const server = await startServer((_, __, res) =>
      json(res, 400, {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'The body does not match the request schema (1 error); fix the listed fields.',
        errors: [{ path: '/householdSize', message: 'Too small: expected number to be >=1' }],
      }),
    );
    const { predictClient, retries } = client(server.url);

    const error = await rejection(predictClient.predict({ ...household, householdSize: 0 }));

    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({
      status: 400,
      title: 'Bad Request',
      errors: [{ path: '/householdSize', message: 'Too small: expected number to be >=1' }],
    });
    expect((error as Error).message).toContain('/householdSize: Too small');
    expect(server.received).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it.each([404, 413, 501])('does not retry a %i either', async (status) => {
    const server = await startServer((_, __, res) => res.writeHead(status).end('<html>nope</html>'));
    const { predictClient } = client(server.url);

    const error = await rejection(predictClient.predict(household));

    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ status, errors: [] });
    expect(server.received).toHaveLength(1);
  });

  it('gives up after maxAttempts with the last cause', async () => {
    const server = await startServer((_, __, res) => problem(res, 502, 'Bad Gateway'));
    const { predictClient } = client(server.url, { maxAttempts: 3 });

    const error = await rejection(predictClient.predict(household));

    expect(error).toMatchObject({ attempts: 3, why: 'attempts exhausted', cause: { status: 502 } });
    expect(server.received).toHaveLength(3);
  });

  it('keeps a long outage’s extra load within the budget: 10 % of calls once the burst is spent', async () => {
    const server = await startServer((_, __, res) => problem(res, 503, 'Service Unavailable'));
    const budget = new RetryBudget();
    const { predictClient } = client(server.url, { budget, backoff: { baseMs: 0, capMs: 0 } });
    const calls = 600;
    const reasons: string[] = [];

    for (let call = 0; call < calls; call++) {
      const error = await rejection(predictClient.predict(household));
      reasons.push((error as GiveUpError).why);
    }

    const extra = server.received.length - calls;
    expect(extra).toBeLessThanOrEqual(budget.options.capacity + calls * budget.options.ratio);
    expect(reasons.filter((why) => why === 'budget spent').length).toBeGreaterThan(calls / 2);
    // Once the starting burst is spent, the bucket refills only from first attempts: measure 500 more calls.
    const before = server.received.length;
    for (let call = 0; call < 500; call++) await rejection(predictClient.predict(household));
    expect((server.received.length - before - 500) / 500).toBeLessThanOrEqual(0.1);
  });

  it('sends a batch as {"instances": [...]} in one request', async () => {
    const answer = {
      modelVersion: 'test',
      predictions: [prediction, prediction].map(({ modelVersion, ...rest }) => rest),
    };
    const server = await startServer((_, __, res) => json(res, 200, answer));
    const { predictClient } = client(server.url);

    await expect(predictClient.predictBatch([household, { ...household, area: 'okinawa' }])).resolves.toEqual(
      answer,
    );

    expect(JSON.parse(server.received[0]?.body ?? '')).toEqual({
      instances: [household, { ...household, area: 'okinawa' }],
    });
  });

  it('signs every attempt with SigV4 when given a signer', async () => {
    const server = await startServer((_, index, res) =>
      index === 0 ? problem(res, 503, 'Service Unavailable') : json(res, 200, prediction),
    );
    const signer = createSigV4Signer({
      region: 'ap-northeast-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const { predictClient } = client(server.url, { signer });

    await predictClient.predict(household);

    for (const request of server.received) {
      expect(request.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/ap-northeast-1\/lambda\/aws4_request, SignedHeaders=.*host/,
      );
      expect(request.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('refuses bad settings before sending anything', () => {
    expect(() => createPredictClient({ url: 'localhost:3000' })).toThrow(
      'target must be an http(s) base URL',
    );
    expect(() => createPredictClient({ url: 'http://x', deadlineMs: 0 })).toThrow('deadlineMs is 0');
  });
});
