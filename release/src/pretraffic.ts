/**
 * The pre-traffic gate's I/O: the `canary` scenario (its rate from loadtest/src/scenarios.ts, the plan's
 * duration) against the candidate's own URL with the Node open-model runner, held against the SLOs with the same
 * gate a pull request's load test passes. k6 is not used here: the release must run where only Node is.
 */
import { evaluateGate, type GateVerdict } from '../../loadtest/src/gate.ts';
import { functionUrlRegion } from '../../loadtest/src/k6-contract.ts';
import { runNodeScenario } from '../../loadtest/src/node-runner.ts';
import type { LoadTestResult, MeasuredSystem } from '../../loadtest/src/result.ts';
import { SCENARIOS } from '../../loadtest/src/scenarios.ts';
import type { RequestSigner } from '../../loadtest/src/sigv4.ts';
import { loadTestObjectives } from '../../slo/src/load-test.ts';

export interface PretrafficOptions {
  /** Signs each request for an AWS_IAM Function URL. */
  readonly sign?: RequestSigner;
  readonly gitSha?: string | null;
  /** What answers: the local platform's version front, or a Function URL (the default, read from the URL). */
  readonly system?: MeasuredSystem;
  readonly signal?: AbortSignal;
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
  const result = await runNodeScenario({
    run: { scenario: canary.name, ratePerSecond: canary.ratePerSecond, durationSeconds: seconds },
    target: url,
    system: options.system ?? systemOf(url, options.sign !== undefined),
    gitSha: options.gitSha ?? null,
    ...(options.sign ? { sign: options.sign } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { verdict: evaluateGate(result, loadTestObjectives()), result };
}
