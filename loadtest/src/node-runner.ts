/** The Node path of `npm run loadtest`: the same scenario and corpus as k6, through the open-model runner. */
import { loadTestObjectives } from '../../slo/src/load-test.ts';
import { buildCorpus } from './corpus.ts';
import { predictUrl } from './k6-contract.ts';
import { buildNodeResult } from './node-result.ts';
import { runOpenModel } from './open-model.ts';
import type { LoadTestResult } from './result.ts';
import { concurrencyFor, REQUEST_TIMEOUT_SECONDS, type ScenarioRun } from './scenarios.ts';

export async function runNodeScenario(options: {
  run: ScenarioRun;
  target: string;
  gitSha: string | null;
  signal?: AbortSignal;
}): Promise<LoadTestResult> {
  const { run } = options;
  const outcome = await runOpenModel(
    {
      url: predictUrl(options.target),
      ratePerSecond: run.ratePerSecond,
      durationSeconds: run.durationSeconds,
      bodies: buildCorpus().map((body) => JSON.stringify(body)),
      maxInFlight: concurrencyFor(run.ratePerSecond).max,
      requestTimeoutMs: REQUEST_TIMEOUT_SECONDS * 1_000,
      badStatusFrom: loadTestObjectives().availability.badStatusFrom,
    },
    options.signal,
  );
  return buildNodeResult({
    scenario: run.scenario,
    target: options.target,
    gitSha: options.gitSha,
    startedAt: outcome.startedAt,
    ratePerSecond: run.ratePerSecond,
    elapsedSeconds: outcome.elapsedSeconds,
    sent: outcome.sent,
    dropped: outcome.dropped,
    summary: outcome.recorder.summary(),
    aborted: outcome.aborted,
  });
}
