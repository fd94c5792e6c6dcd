import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProvisionedConcurrencyConflictError } from '../port.ts';
import { createControlApi, type ErrorBody, NotFoundError, type PlatformController } from './control-api.ts';

/** A controller whose every method is a spy or a failure, to test the routing and error mapping alone. */
function controller(overrides: Partial<PlatformController>): PlatformController {
  const refuse = () => Promise.reject(new Error('not in this test'));
  return {
    releaseRecord: {
      acquireLock: refuse,
      releaseLock: refuse,
      currentLock: refuse,
      append: refuse,
      journal: refuse,
    },
    readAlias: refuse,
    updateAlias: refuse,
    liveUrl: refuse,
    versionExists: refuse,
    versionUrl: refuse,
    putProvisionedConcurrency: refuse,
    provisionedConcurrency: refuse,
    removeProvisionedConcurrency: refuse,
    scalingTarget: refuse,
    suspendScaling: refuse,
    resumeScaling: refuse,
    versionMetrics: refuse,
    publishVersion: refuse,
    registerScalingTarget: refuse,
    status: refuse,
    shutdown: () => {},
    ...overrides,
  };
}

const IDENTITY = { pid: 4242, token: 'a-token', stateDir: '/state' };

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

async function serve(c: PlatformController, log: (line: string) => void = () => {}): Promise<string> {
  server = createControlApi(c, log, IDENTITY);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the control API', () => {
  it("answers the daemon's own failure with a 500 naming it, and logs it", async () => {
    const lines: string[] = [];
    const url = await serve(controller({ status: () => Promise.reject(new Error('disk on fire')) }), (line) =>
      lines.push(line),
    );
    const response = await fetch(`${url}/status`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { name: 'Error', message: 'disk on fire' } });
    expect(lines).toEqual(['control API: GET /status failed: disk on fire']);
  });

  it('passes decoded qualifiers and checked numbers to the controller', async () => {
    const calls: unknown[] = [];
    const url = await serve(
      controller({
        putProvisionedConcurrency: async (qualifier, executions) => {
          calls.push([qualifier, executions]);
          return { qualifier, requested: executions, allocated: 0, available: 0, status: 'IN_PROGRESS' };
        },
      }),
    );
    const response = await fetch(`${url}/provisioned-concurrency/live`, {
      method: 'PUT',
      body: JSON.stringify({ executions: 3 }),
    });
    expect(response.status).toBe(200);
    expect(calls).toEqual([['live', 3]]);
    const fractional = await fetch(`${url}/provisioned-concurrency/live`, {
      method: 'PUT',
      body: JSON.stringify({ executions: 1.5 }),
    });
    expect(fractional.status).toBe(400);
    expect(calls).toHaveLength(1);
    const badEncoding = await fetch(`${url}/provisioned-concurrency/%E0%A4%A`);
    expect(badEncoding.status).toBe(400);
  });

  it('passes the metrics scope through, and refuses a missing or unknown one before the controller', async () => {
    const calls: unknown[] = [];
    const url = await serve(
      controller({
        versionMetrics: async (version, range, via) => {
          calls.push([version, range.start.toISOString(), via]);
          return { version, via, range } as unknown as Awaited<
            ReturnType<PlatformController['versionMetrics']>
          >;
        },
      }),
    );
    const range = 'start=2026-01-01T00:00:00Z&end=2026-01-01T00:05:00Z';
    expect((await fetch(`${url}/versions/2/metrics?${range}&via=version`)).status).toBe(200);
    expect(calls).toEqual([['2', '2026-01-01T00:00:00.000Z', 'version']]);
    for (const bad of ['', '&via=alias']) {
      const response = await fetch(`${url}/versions/2/metrics?${range}${bad}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.message).toMatch(/via is .*: send live or version/);
    }
    expect(calls).toHaveLength(1);
  });

  it("answers live's URL and a version's own as {url}, and a version that does not exist as a 404", async () => {
    const url = await serve(
      controller({
        liveUrl: async () => 'http://127.0.0.1:1001/',
        versionUrl: async (version) => {
          if (version === '9') throw new NotFoundError('version 9 is not published (published: 1)');
          return `http://127.0.0.1:100${version}/`;
        },
      }),
    );
    expect(await (await fetch(`${url}/live-url`)).json()).toEqual({ url: 'http://127.0.0.1:1001/' });
    expect(await (await fetch(`${url}/versions/2/url`)).json()).toEqual({ url: 'http://127.0.0.1:1002/' });
    const missing = await fetch(`${url}/versions/9/url`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.message).toMatch(/published: 1/);
  });

  it('answers whether a version exists as {exists}, a missing one as false rather than a 404', async () => {
    const url = await serve(controller({ versionExists: async (version) => version === '1' }));
    expect(await (await fetch(`${url}/versions/1/exists`)).json()).toEqual({ exists: true });
    const missing = await fetch(`${url}/versions/9/exists`);
    expect(missing.status).toBe(200);
    expect(await missing.json()).toEqual({ exists: false });
  });

  it('answers a PC rule refusal with a 409 carrying its qualifier and reason, for the client to rebuild', async () => {
    const url = await serve(
      controller({
        removeProvisionedConcurrency: () =>
          Promise.reject(
            new ProvisionedConcurrencyConflictError('live', 'Alias with weights can not be used'),
          ),
      }),
    );
    const response = await fetch(`${url}/provisioned-concurrency/live`, { method: 'DELETE' });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: {
        name: 'ProvisionedConcurrencyConflictError',
        message: 'provisioned concurrency on live refused: Alias with weights can not be used',
        details: { qualifier: 'live', reason: 'Alias with weights can not be used' },
      },
    });
  });

  it('answers shutdown, then shuts down once', async () => {
    let shutdowns = 0;
    const url = await serve(
      controller({
        shutdown: () => {
          shutdowns += 1;
        },
      }),
    );
    const response = await fetch(`${url}/shutdown`, { method: 'POST' });
    expect([response.status, await response.json()]).toEqual([200, { stopping: true }]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(shutdowns).toBe(1);
  });

  it('answers GET /identity with the daemon it was created for, without asking the controller', async () => {
    const url = await serve(controller({}));
    const response = await fetch(`${url}/identity`);
    expect([response.status, await response.json()]).toEqual([200, IDENTITY]);
  });
});
