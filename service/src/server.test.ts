import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_LIMITS } from './limits.ts';
import { jsonTestSuiteCases } from './testing/json-test-suite.ts';
import { failedStart, type ServerProcess, startServer } from './testing/server-process.ts';

/** The local server as a real process on a real socket: what the in-process tests cannot see. */

const household = { area: 'tokyo', householdSize: 3, knownUsage: { month: 8, kwh: 420 } };

let server: ServerProcess;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const post = (
  body: string | Uint8Array,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) => fetch(`${server.url}/predict`, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });

/** Streams `size` bytes with chunked transfer encoding, so no Content-Length warns the server ahead. */
function postChunked(size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${server.url}/predict`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 10_000 },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    request.on('timeout', () => reject(new Error('the server stalled')));
    const chunk = Buffer.alloc(4096, 0x20);
    for (let sent = 0; sent < size; sent += chunk.byteLength) request.write(chunk);
    request.end();
  });
}

describe('the local server', () => {
  it('serves health and predictions', async () => {
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const prediction = await post(JSON.stringify(household));
    expect(prediction.status).toBe(200);
    expect(((await prediction.json()) as { monthly: unknown[] }).monthly).toHaveLength(12);
  });

  it('refuses an oversized body by its Content-Length', async () => {
    const response = await post('x'.repeat(HTTP_LIMITS.maxBodyBytes + 1));
    expect(response.status).toBe(413);
  });

  it('refuses an oversized chunked body while it streams', async () => {
    expect(await postChunked(HTTP_LIMITS.maxBodyBytes * 4)).toBe(413);
  });

  it('answers every JSONTestSuite body with a 4xx and keeps serving', async () => {
    const statuses = [];
    for (const { bytes } of jsonTestSuiteCases()) statuses.push((await post(bytes)).status);

    expect(statuses.filter((status) => status < 400 || status >= 500)).toEqual([]);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('drops a client that stalls mid-body, and keeps serving others meanwhile', async () => {
    const started = performance.now();
    const closed = new Promise<number>((resolve, reject) => {
      const stalled = httpRequest(`${server.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': '100' },
      });
      stalled.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      });
      stalled.on('error', () => resolve(0));
      stalled.write('{"area":');
      setTimeout(
        () => reject(new Error('the stalled request was never dropped')),
        HTTP_LIMITS.requestTimeoutMs * 2,
      );
    });

    expect((await post(JSON.stringify(household))).status).toBe(200);
    const status = await closed;

    expect([0, 408]).toContain(status);
    expect(performance.now() - started).toBeLessThan(HTTP_LIMITS.requestTimeoutMs * 2);
  });

  it('records a client that hangs up mid-body as a 4xx, never a 5xx', async () => {
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      'POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ar',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const logged = server.logs.length;
    socket.destroy();

    const deadline = Date.now() + 5_000;
    while (server.logs.length === logged && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));

    expect(server.logs.slice(logged)).toEqual([expect.objectContaining({ path: '/predict', status: 400 })]);
  });

  it('stops cleanly on SIGTERM', async () => {
    const own = await startServer();
    expect(await own.stop()).toBe(0);
  });
});

describe('start-up failures', () => {
  it('names the model file when the artifact is missing', async () => {
    const { code, stderr } = await failedStart({ MODEL_DIR: '/nonexistent/model-dir' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/\/nonexistent\/model-dir\/model\.(onnx|card\.json)/);
  });

  it('names the variable when PORT is not a port', async () => {
    const { code, stderr } = await failedStart({ PORT: 'http' });
    expect(code).toBe(1);
    expect(stderr).toContain('PORT="http" is not a TCP port');
  });
});
