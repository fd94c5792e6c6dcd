/**
 * What the Node runner counts, against fixture servers in their own processes: throttles and 5xx are bad,
 * other 4xx are not but fail the 2xx share, a request past the timeout (also one sent at the very end of the
 * schedule) is a counted transport failure, and SigV4-signed requests pass a server that verifies them.
 */
import { describe, expect, it } from 'vitest';
import { loadTestObjectives } from '../../slo/src/load-test.ts';
import { evaluateGate } from './gate.ts';
import { createSigV4Signer } from './sigv4.ts';
import { fixtureServers, plan, runToResult } from './test-runs.ts';

const objectives = loadTestObjectives();
const serverWith = fixtureServers();
const failedChecks = (result: Awaited<ReturnType<typeof runToResult>>) =>
  evaluateGate(result, objectives)
    .checks.filter((check) => !check.passed)
    .map((check) => check.name);

describe('what counts as bad', () => {
  it('counts a 429 as bad, as production counts a throttle', async () => {
    const server = await serverWith({ errorEvery: 10, errorStatus: 429 });
    const result = await runToResult(plan(server.url, { ratePerSecond: 100, durationSeconds: 1 }));
    expect(result.statusCounts).toEqual({ '200': 90, '429': 10 });
    expect(result.errorRate).toBe(0.1);
    expect(failedChecks(result)).toContain('availability');
  });

  it('fails a planted 4xx regression on the 2xx share, though availability holds', async () => {
    const server = await serverWith({ errorEvery: 10, errorStatus: 422 });
    const result = await runToResult(plan(server.url, { ratePerSecond: 100, durationSeconds: 1 }));
    expect(result.statusCounts).toEqual({ '200': 90, '422': 10 });
    expect(result.errorRate).toBe(0);
    expect(failedChecks(result)).toContain('successful-responses');
    expect(failedChecks(result)).not.toContain('availability');
  });
});

describe('the request timeout', () => {
  it('counts every request still unanswered at the timeout as a transport failure, up to the last one sent', async () => {
    const server = await serverWith({ delayMs: 5_000 });
    const result = await runToResult(
      plan(server.url, { ratePerSecond: 20, durationSeconds: 1, requestTimeoutMs: 300 }),
    );
    expect(result.statusCounts).toEqual({ transport_error: 20 });
    expect(result.requests).toBe(20);
    expect(result.droppedRequests).toBe(0);
    // The run ends one timeout after its last send, not when the server would have answered.
    expect(result.durationSeconds).toBeGreaterThan(1.2);
    expect(result.durationSeconds).toBeLessThan(2.5);
  });
});

describe('SigV4 against a server that verifies it (service lambda, the same library, never AWS)', () => {
  const keys = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
  const region = 'eu-west-1';
  const bodies = ['{"area":"tokyo","householdSize":2}', '{"instances":[{"area":"chubu","householdSize":1}]}'];

  it('is answered 200 when signed over the exact bodies sent', async () => {
    const server = await serverWith({ sigv4: { region, ...keys } });
    const sign = createSigV4Signer({ region, credentials: keys });
    const result = await runToResult(
      plan(server.url, { ratePerSecond: 20, durationSeconds: 1, bodies, sign }),
    );
    expect(result.statusCounts).toEqual({ '200': 20 });
    // Latency is not the point here (a loaded test machine may be slow); what counts as answered is.
    expect(failedChecks(result)).not.toContain('successful-responses');
    expect(failedChecks(result)).not.toContain('availability');
  });

  it.each([
    ['unsigned', undefined],
    [
      'signed with the wrong secret',
      createSigV4Signer({ region, credentials: { ...keys, secretAccessKey: 'x' } }),
    ],
    ['signed for another region', createSigV4Signer({ region: 'us-east-1', credentials: keys })],
  ])('is refused with 403 when %s, and the gate fails on the 2xx share', async (_case, sign) => {
    const server = await serverWith({ sigv4: { region, ...keys } });
    const result = await runToResult(
      plan(server.url, { ratePerSecond: 20, durationSeconds: 1, bodies, ...(sign ? { sign } : {}) }),
    );
    expect(result.statusCounts).toEqual({ '403': 20 });
    expect(failedChecks(result)).toContain('successful-responses');
  });

  it('signs the next request while waiting for its due time, so signing stays out of the latency (as in k6)', async () => {
    const server = await serverWith({});
    const slowSigner = async (request: Parameters<ReturnType<typeof createSigV4Signer>>[0]) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return { ...request.headers };
    };
    const result = await runToResult(
      plan(server.url, { ratePerSecond: 20, durationSeconds: 1, sign: slowSigner }),
    );
    expect(result.statusCounts).toEqual({ '200': 20 });
    // Only the first request, with nothing before it to sign ahead in, waits for its signature.
    expect(result.latencyMs.p50).toBeLessThan(30);
    expect(result.latencyMs.max).toBeGreaterThanOrEqual(30);
  });

  it('is refused when the body sent is not the body signed', async () => {
    const server = await serverWith({ sigv4: { region, ...keys } });
    const honest = createSigV4Signer({ region, credentials: keys });
    const tampering = (request: Parameters<typeof honest>[0]) =>
      honest({ ...request, body: `${request.body} ` });
    const result = await runToResult(
      plan(server.url, { ratePerSecond: 20, durationSeconds: 1, bodies, sign: tampering }),
    );
    expect(result.statusCounts).toEqual({ '403': 20 });
  });
});
