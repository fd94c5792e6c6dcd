/**
 * Accuracy of the Node runner against tiny servers started here (each in its own process, on 127.0.0.1:0), with
 * bounded runs of a few seconds. Tolerances are the ones the runner promises in docs/load-testing.md.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadTestObjectives } from '../../slo/src/load-test.ts';
import { type FixtureServer, startFixtureServer } from '../fixtures/start-fixture-server.ts';
import { evaluateGate } from './gate.ts';
import { buildNodeResult } from './node-result.ts';
import { type OpenModelPlan, runOpenModel } from './open-model.ts';

const objectives = loadTestObjectives();
const servers: FixtureServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function serverWith(options: Parameters<typeof startFixtureServer>[0]): Promise<FixtureServer> {
  const server = await startFixtureServer(options);
  servers.push(server);
  return server;
}

const plan = (url: string, overrides: Partial<OpenModelPlan>): OpenModelPlan => ({
  url: `${url}/predict`,
  ratePerSecond: 50,
  durationSeconds: 3,
  bodies: ['{"area":"tokyo"}'],
  maxInFlight: 200,
  requestTimeoutMs: 10_000,
  badStatusFrom: objectives.availability.badStatusFrom,
  ...overrides,
});

async function runToResult(runPlan: OpenModelPlan) {
  const run = await runOpenModel(runPlan);
  return buildNodeResult({
    scenario: 'test',
    target: runPlan.url,
    gitSha: null,
    startedAt: run.startedAt,
    ratePerSecond: runPlan.ratePerSecond,
    elapsedSeconds: run.elapsedSeconds,
    sent: run.sent,
    dropped: run.dropped,
    summary: run.recorder.summary(),
    aborted: run.aborted,
  });
}

describe('runOpenModel against a server with a known delay', () => {
  // A loaded 2-core machine occasionally stalls a whole process for milliseconds; one retry keeps that from
  // failing CI while a real bias (a runner that adds its own time) fails every attempt.
  it('reports p50 and p95 within 2 ms of an injected 20 ms delay', { retry: 2 }, async () => {
    const delayMs = 20;
    const server = await serverWith({ delayMs });
    // Warm both processes (JIT, sockets) first, as any long-running client would be.
    await runOpenModel(plan(server.url, { durationSeconds: 1 }));

    const result = await runToResult(plan(server.url, { ratePerSecond: 50, durationSeconds: 3 }));

    expect(result.targetRateReached).toBe(true);
    expect(result.errorRate).toBe(0);
    expect(Math.abs((result.latencyMs.p50 ?? Number.NaN) - delayMs)).toBeLessThanOrEqual(2);
    expect(Math.abs((result.latencyMs.p95 ?? Number.NaN) - delayMs)).toBeLessThanOrEqual(2);
  });
});

describe('runOpenModel above what the server can serve', () => {
  it('shows the queueing delay growing with time and says the target rate was not reached', async () => {
    // One request at a time, 10 ms each: 100 req/s of capacity, offered 200 req/s.
    const server = await serverWith({ delayMs: 10, serial: true });

    // Room for the whole backlog, so every request is sent on schedule and its wait is measured.
    const result = await runToResult(
      plan(server.url, { ratePerSecond: 200, durationSeconds: 3, maxInFlight: 1_000 }),
    );

    const p95BySecond = (result.timeline ?? []).map((point) => point.p95Ms ?? 0);
    expect(p95BySecond).toHaveLength(3);
    expect(p95BySecond[1]).toBeGreaterThan((p95BySecond[0] ?? 0) + 250);
    expect(p95BySecond[2]).toBeGreaterThan((p95BySecond[1] ?? 0) + 250);
    expect(result.targetRateReached).toBe(false);
    expect(result.achievedRatePerSecond).toBeLessThan(0.8 * 200);
    expect(result.notes.join('\n')).toMatch(/target rate NOT reached/);
    expect(evaluateGate(result, objectives).passed).toBe(false);
  });
});

describe('runOpenModel against a server answering 1 % 500s', () => {
  it('reports 1 % errors (±0.2 points) and fails the availability gate', async () => {
    const server = await serverWith({ errorEvery: 100 });

    const result = await runToResult(plan(server.url, { ratePerSecond: 250, durationSeconds: 4 }));

    expect(result.requests).toBe(1_000);
    expect(result.errorRate).toBeGreaterThanOrEqual(0.008);
    expect(result.errorRate).toBeLessThanOrEqual(0.012);
    expect(result.statusCounts).toEqual({ '200': 990, '500': 10 });
    const availability = evaluateGate(result, objectives).checks.find(
      (check) => check.kind === 'availability',
    );
    expect(availability?.passed).toBe(false);
  });
});

describe('runOpenModel edges', () => {
  it('counts a refused connection as a transport error, not as latency', async () => {
    const server = await serverWith({});
    const url = server.url;
    await server.stop();

    const result = await runToResult(plan(url, { ratePerSecond: 20, durationSeconds: 1 }));

    expect(result.statusCounts).toEqual({ transport_error: 20 });
    expect(result.errorRate).toBe(1);
    expect(result.latencyMs.p50).toBeNull();
    expect(result.missing).toContain('latencyMs.p50');
  });

  it('stops early on abort and reports the shorter window', async () => {
    const server = await serverWith({});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);

    const run = await runOpenModel(
      plan(server.url, { ratePerSecond: 20, durationSeconds: 10 }),
      controller.signal,
    );

    expect(run.aborted).toBe(true);
    expect(run.elapsedSeconds).toBeLessThan(2);
    expect(run.dropped).toBeGreaterThan(150);
    expect(run.sent).toBeLessThan(40);
  });

  it.each([
    [{ url: 'ftp://x' }, 'url must be http(s)://..., got "ftp://x"'],
    [{ ratePerSecond: 0 }, 'ratePerSecond must be > 0, got 0'],
    [{ bodies: [] }, 'bodies must hold at least one request body'],
  ])('rejects an invalid plan %j before sending anything', async (overrides, message) => {
    await expect(runOpenModel(plan('http://127.0.0.1:9', overrides))).rejects.toThrow(message);
  });
});
