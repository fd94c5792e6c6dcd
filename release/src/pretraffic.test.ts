import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../loadtest/src/scenarios.ts';
import { runPretraffic, stopOnHarm } from './pretraffic.ts';

let server: Server;
let url: string;
const paths: string[] = [];

beforeAll(async () => {
  // A candidate that fails every request: the gate must say so, whatever the machine's speed.
  server = createServer((request, response) => {
    paths.push(`${request.method} ${request.url}`);
    request.resume();
    request.on('end', () => response.writeHead(503, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('runPretraffic', () => {
  it("runs the canary scenario's rate against the URL for the plan's seconds and holds it against the SLOs", async () => {
    const { verdict, result } = await runPretraffic(url, 1);
    expect(result).toMatchObject({
      scenario: 'canary',
      target: url,
      targetRatePerSecond: SCENARIOS.canary.ratePerSecond,
      system: { kind: 'url', signedSigV4: false },
    });
    expect(new Set(paths)).toEqual(new Set(['POST /predict']));
    expect(verdict.passed).toBe(false);
    expect(verdict.checks.find((check) => check.name === 'availability')?.passed).toBe(false);
  });

  it('stops early, within its first requests, when the bad share is significantly above the SLO’s', async () => {
    const { verdict, result } = await runPretraffic(url, 5, { errorAlpha: 0.01 });
    // 250 planned at 50 req/s; every answer is a 503, so a handful decide it long before the schedule ends.
    expect(result.requests).toBeLessThan(SCENARIOS.canary.ratePerSecond);
    expect(result.droppedRequests).toBeGreaterThan(0);
    expect(verdict.passed).toBe(false);
  });

  it('refuses a duration that is no whole number of seconds', async () => {
    await expect(runPretraffic(url, 0)).rejects.toThrow(/whole number of seconds/);
  });
});

describe('stopOnHarm', () => {
  const ok = { kind: 'response', status: 200, latencyMs: 5, scheduledAtMs: 0 } as const;
  const failed = { kind: 'response', status: 502, latencyMs: 5, scheduledAtMs: 0 } as const;
  it('aborts once the failures are significant at errorAlpha over the planned requests, not on one stray error', () => {
    const controller = new AbortController();
    const look = stopOnHarm(controller, { plannedRequests: 400, errorAlpha: 0.01 });
    look(failed);
    for (let i = 0; i < 98; i += 1) look(ok);
    expect(controller.signal.aborted).toBe(false);
    look(failed);
    look(failed);
    look(failed);
    expect(controller.signal.aborted).toBe(true);
    expect(String(controller.signal.reason)).toMatch(/4 of 102 requests failed/);
  });
});
