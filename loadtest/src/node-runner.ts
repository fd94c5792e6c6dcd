/** The Node path of `npm run loadtest`: the same scenario, corpus and request timeout as k6, through the
 * open-model runner. */
import { loadTestObjectives } from '../../slo/src/load-test.ts';
import { buildCorpus } from './corpus.ts';
import { predictUrl } from './k6-contract.ts';
import { buildNodeResult } from './node-result.ts';
import { type OpenModelPlan, runOpenModel } from './open-model.ts';
import type { LoadTestResult, MeasuredSystem } from './result.ts';
import { concurrencyFor, REQUEST_TIMEOUT_SECONDS, type ScenarioRun } from './scenarios.ts';
import type { RequestSigner } from './sigv4.ts';

/** The plan k6's options describe too: same rate, duration, bodies, in-flight limit and request timeout. */
export function nodePlanFor(run: ScenarioRun, target: string, sign?: RequestSigner): OpenModelPlan {
  return {
    url: predictUrl(target),
    ratePerSecond: run.ratePerSecond,
    durationSeconds: run.durationSeconds,
    bodies: buildCorpus().map((body) => JSON.stringify(body)),
    maxInFlight: concurrencyFor(run.ratePerSecond).max,
    requestTimeoutMs: REQUEST_TIMEOUT_SECONDS * 1_000,
    badStatusFrom: loadTestObjectives().availability.badStatusFrom,
    ...(sign ? { sign } : {}),
  };
}

export async function runNodeScenario(options: {
  run: ScenarioRun;
  target: string;
  system: MeasuredSystem;
  gitSha: string | null;
  sign?: RequestSigner;
  signal?: AbortSignal;
  onOutcome?: OpenModelPlan['onOutcome'];
}): Promise<LoadTestResult> {
  const { run } = options;
  const plan = {
    ...nodePlanFor(run, options.target, options.sign),
    ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
  };
  if (plan.sign) {
    // Fail before the run, with the reason, when no credentials can be found: not 12,000 failed requests later.
    const first = plan.bodies[0] ?? '';
    await plan.sign({ url: new URL(plan.url), headers: {}, body: first }).catch((error: unknown) => {
      throw new Error(
        'cannot sign requests with SigV4: no usable AWS credentials (set AWS_PROFILE or keys)',
        {
          cause: error,
        },
      );
    });
  }
  const outcome = await runOpenModel(plan, options.signal);
  return buildNodeResult({
    scenario: run.scenario,
    target: options.target,
    system: options.system,
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
