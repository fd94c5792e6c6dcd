/**
 * Holds a load-test result against the SLOs of slo/: availability (share of good requests), the share of 2xx
 * answers (every body of the corpus is valid), and each latency objective ("at least 95 % of 2xx in <= 80 ms",
 * judged as the run's p95 <= 80 ms: the same statement). Pure. A figure the result lacks fails its check and says
 * so: an SLO that was not measured was not shown to hold.
 */
import type { LoadTestObjectives } from '../../slo/src/load-test.ts';
import { minSuccessShare } from './k6-contract.ts';
import { type LoadTestResult, PERCENTILE_KEYS, type PercentileKey } from './result.ts';

export interface GateCheck {
  name: string;
  kind: 'availability' | 'success' | 'latency' | 'load';
  /** Human-readable objective, e.g. "p95 ≤ 80 ms". */
  objective: string;
  /** Human-readable measurement, or null when the result lacks it. */
  measured: string | null;
  /** Signed distance to the limit in the objective's unit: positive = room left, negative = over. */
  margin: number | null;
  marginUnit: 'ms' | 'pp' | null;
  passed: boolean;
  reason: string | null;
}

export interface GateVerdict {
  passed: boolean;
  checks: GateCheck[];
}

const percentFormat = (ratio: number) => `${(ratio * 100).toFixed(3).replace(/\.?0+$/, '')} %`;
const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** A check whose figure the result lacks: it fails, since an SLO that was not measured was not shown to hold. */
function unmeasured(base: Pick<GateCheck, 'name' | 'kind' | 'objective'>, reason: string): GateCheck {
  return { ...base, measured: null, margin: null, marginUnit: null, passed: false, reason };
}

function availabilityCheck(result: LoadTestResult, objectives: LoadTestObjectives): GateCheck {
  const { name, minGoodRatio } = objectives.availability;
  const base = {
    name,
    kind: 'availability' as const,
    objective: `good requests ≥ ${percentFormat(minGoodRatio)}`,
  };
  if (result.errorRate === null) return unmeasured(base, 'the result has no error rate');
  if (result.requests === 0) return unmeasured(base, 'no request finished');
  const goodRatio = 1 - result.errorRate;
  return {
    ...base,
    measured: `${percentFormat(goodRatio)} (${percentFormat(result.errorRate)} errors)`,
    margin: round((goodRatio - minGoodRatio) * 100, 4),
    marginUnit: 'pp',
    passed: goodRatio >= minGoodRatio,
    reason: null,
  };
}

/**
 * Every body of the corpus is valid (corpus.test.ts checks them against the service's own request schema), so
 * each should be answered 2xx. A 4xx is good for availability (the caller's fault), which is exactly how a
 * regression that refuses valid requests, or a missing signature (403), would pass it; this check catches both.
 * It allows the misses the availability SLO allows, and no more (minSuccessShare, which k6's threshold uses too).
 */
export const SUCCESS_SHARE_CHECK = 'successful-responses';

function successShareCheck(result: LoadTestResult, objectives: LoadTestObjectives): GateCheck {
  const minShare = minSuccessShare(objectives);
  const base = {
    name: SUCCESS_SHARE_CHECK,
    kind: 'success' as const,
    objective: `2xx answers ≥ ${percentFormat(minShare)} of a valid corpus`,
  };
  if (result.successfulRequests === null) return unmeasured(base, 'the result has no count of 2xx answers');
  if (result.requests === 0) return unmeasured(base, 'no request finished');
  const share = result.successfulRequests / result.requests;
  const refused = Object.entries(result.statusCounts ?? {})
    .filter(([status]) => !/^2\d\d$/.test(status))
    .map(([status, count]) => `${count} × ${status}`);
  const passed = share >= minShare;
  return {
    ...base,
    measured: `${percentFormat(share)} (${result.successfulRequests} of ${result.requests})`,
    margin: round((share - minShare) * 100, 4),
    marginUnit: 'pp',
    passed,
    reason: passed
      ? null
      : `valid requests were not answered 2xx${refused.length ? ` (${refused.join(', ')})` : ''}: any 4xx here is a client-error regression, or a missing signature (403) against an AWS_IAM URL`,
  };
}

function percentileKey(percentile: number): PercentileKey | null {
  const key = `p${percentile}`;
  return (PERCENTILE_KEYS as readonly string[]).includes(key) ? (key as PercentileKey) : null;
}

function latencyCheck(result: LoadTestResult, gate: LoadTestObjectives['latency'][number]): GateCheck {
  const objective = `≥ ${gate.percentile} % of 2xx in ≤ ${gate.thresholdMs} ms (p${gate.percentile} ≤ ${gate.thresholdMs} ms)`;
  const key = percentileKey(gate.percentile);
  const base = { name: gate.name, kind: 'latency' as const, objective };
  if (key === null) {
    return unmeasured(base, `results carry ${PERCENTILE_KEYS.join('/')} only, not p${gate.percentile}`);
  }
  const measured = result.latencyMs[key];
  if (measured === null) {
    const why = result.successfulRequests === 0 ? 'no successful response' : `the result has no ${key}`;
    return unmeasured(base, why);
  }
  return {
    ...base,
    measured: `${measured.toFixed(1)} ms`,
    margin: round(gate.thresholdMs - measured, 3),
    marginUnit: 'ms',
    passed: measured <= gate.thresholdMs,
    reason: null,
  };
}

/** A run that could not keep its arrival rate did not test the planned load; its latency understates the risk. */
function loadCheck(result: LoadTestResult): GateCheck | null {
  if (result.targetRateReached === null || result.targetRatePerSecond === null) return null;
  const achieved = result.achievedRatePerSecond ?? 0;
  return {
    name: 'target-arrival-rate',
    kind: 'load',
    objective: `${result.targetRatePerSecond} req/s sent on schedule`,
    measured: `${achieved.toFixed(1)} req/s, ${result.droppedRequests ?? 0} dropped`,
    margin: null,
    marginUnit: null,
    passed: result.targetRateReached,
    reason: result.targetRateReached ? null : 'target rate not reached: the planned load was not applied',
  };
}

export function evaluateGate(result: LoadTestResult, objectives: LoadTestObjectives): GateVerdict {
  const load = loadCheck(result);
  const checks = [
    availabilityCheck(result, objectives),
    successShareCheck(result, objectives),
    ...objectives.latency.map((gate) => latencyCheck(result, gate)),
    ...(load ? [load] : []),
  ];
  return { passed: checks.every((check) => check.passed), checks };
}
