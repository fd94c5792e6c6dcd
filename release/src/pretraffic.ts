/**
 * The pre-traffic gate's I/O: the `canary` scenario (its rate from loadtest/src/scenarios.ts, the plan's
 * duration) against the candidate's own URL with the Node open-model runner, held against the SLOs with the same
 * gate a pull request's load test passes. k6 is not used here: the release must run where only Node is.
 *
 * It stops as soon as the candidate's bad share is significantly above the availability SLO's: the candidate
 * shares the function's concurrency with live, and a crash-looping version's cold starts, piling up at the canary's
 * rate, take room live's own overflow needs (measured on the local rehearsal: 79 throttles on production while a
 * crash-after candidate was tested to the end).
 */
import { evaluateGate, type GateVerdict } from '../../loadtest/src/gate.ts';
import { functionUrlRegion } from '../../loadtest/src/k6-contract.ts';
import { runNodeScenario } from '../../loadtest/src/node-runner.ts';
import { isAvailabilityError, type Outcome } from '../../loadtest/src/recorder.ts';
import type { LoadTestResult, MeasuredSystem } from '../../loadtest/src/result.ts';
import { SCENARIOS } from '../../loadtest/src/scenarios.ts';
import type { RequestSigner } from '../../loadtest/src/sigv4.ts';
import { allowedBadShare, loadTestObjectives } from '../../slo/src/load-test.ts';
import { exceedsRate } from './error-tests.ts';

export interface PretrafficOptions {
  /** Signs each request for an AWS_IAM Function URL. */
  readonly sign?: RequestSigner;
  readonly gitSha?: string | null;
  /** What answers: the local platform's version front, or a Function URL (the default, read from the URL). */
  readonly system?: MeasuredSystem;
  readonly signal?: AbortSignal;
  /** The release's error-test level: the run stops once the bad share is significantly above the SLO's. */
  readonly errorAlpha?: number;
}

/**
 * Aborts `controller` once `bad` of `requests` is significantly above the SLO's allowed bad share. It looks after
 * every outcome, so each look takes errorAlpha divided by the requests the run plans (Bonferroni), keeping a
 * healthy version's chance of being stopped by chance within errorAlpha; a version failing most requests still
 * stops within its first few.
 */
export function stopOnHarm(
  controller: AbortController,
  options: { readonly plannedRequests: number; readonly errorAlpha: number },
): (outcome: Outcome) => void {
  const objectives = loadTestObjectives();
  const { availability } = objectives;
  const allowedRate = allowedBadShare(objectives);
  const level = options.errorAlpha / Math.max(1, options.plannedRequests);
  let requests = 0;
  let bad = 0;
  return (outcome) => {
    requests += 1;
    if (isAvailabilityError(outcome, availability.badStatusFrom)) bad += 1;
    if (!controller.signal.aborted && exceedsRate(bad, requests, allowedRate, level)) {
      controller.abort(
        new Error(
          `stopped early: ${bad} of ${requests} requests failed, significantly above the SLO's bad share`,
        ),
      );
    }
  };
}

function systemOf(url: string, signed: boolean): MeasuredSystem {
  return functionUrlRegion(url) === null
    ? { kind: 'url', signedSigV4: signed }
    : { kind: 'function-url', signedSigV4: signed };
}

export async function runPretraffic(
  url: string,
  seconds: number,
  options: PretrafficOptions = {},
): Promise<{ verdict: GateVerdict; result: LoadTestResult }> {
  if (!(Number.isInteger(seconds) && seconds > 0)) {
    throw new RangeError(
      `the pre-traffic test's duration is ${seconds} s: give a whole number of seconds >= 1`,
    );
  }
  const canary = SCENARIOS.canary;
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const onOutcome =
    options.errorAlpha === undefined
      ? undefined
      : stopOnHarm(stop, { plannedRequests: canary.ratePerSecond * seconds, errorAlpha: options.errorAlpha });
  const result = await runNodeScenario({
    run: { scenario: canary.name, ratePerSecond: canary.ratePerSecond, durationSeconds: seconds },
    target: url,
    system: options.system ?? systemOf(url, options.sign !== undefined),
    gitSha: options.gitSha ?? null,
    ...(options.sign ? { sign: options.sign } : {}),
    signal,
    ...(onOutcome ? { onOutcome } : {}),
  });
  return { verdict: evaluateGate(result, loadTestObjectives()), result };
}
