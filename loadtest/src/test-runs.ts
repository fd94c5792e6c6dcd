/** Runs of the Node runner against fixture servers, for the accuracy and outcome tests. */
import { afterEach } from 'vitest';
import { loadTestObjectives } from '../../slo/src/load-test.ts';
import {
  type FixtureServer,
  type FixtureServerOptions,
  startFixtureServer,
} from '../fixtures/start-fixture-server.ts';
import { buildNodeResult } from './node-result.ts';
import { type OpenModelPlan, runOpenModel } from './open-model.ts';
import type { LoadTestResult } from './result.ts';

/** Starts fixture servers for a test file and stops them after each test. */
export function fixtureServers(): (options: FixtureServerOptions) => Promise<FixtureServer> {
  const servers: FixtureServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });
  return async (options) => {
    const server = await startFixtureServer(options);
    servers.push(server);
    return server;
  };
}

export const plan = (url: string, overrides: Partial<OpenModelPlan>): OpenModelPlan => ({
  url: `${url}/predict`,
  ratePerSecond: 50,
  durationSeconds: 3,
  bodies: ['{"area":"tokyo"}'],
  maxInFlight: 200,
  requestTimeoutMs: 10_000,
  badStatusFrom: loadTestObjectives().availability.badStatusFrom,
  ...overrides,
});

export async function runToResult(runPlan: OpenModelPlan): Promise<LoadTestResult> {
  const run = await runOpenModel(runPlan);
  return buildNodeResult({
    scenario: 'test',
    target: runPlan.url,
    system: { kind: 'url', signedSigV4: runPlan.sign !== undefined },
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
