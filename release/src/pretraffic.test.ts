import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../loadtest/src/scenarios.ts';
import { runPretraffic } from './pretraffic.ts';

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

  it('refuses a duration that is no whole number of seconds', async () => {
    await expect(runPretraffic(url, 0)).rejects.toThrow(/whole number of seconds/);
  });
});
