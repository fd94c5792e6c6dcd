/**
 * Load-test gates derived from the SLO definition, for k6 (`options.thresholds`) and for the Node runner.
 * Dependency-free because k6 imports it. A load test lasts minutes: each latency objective is judged on the run as
 * a whole, "at least 95% of 2xx in <= 80 ms" as the run's nearest-rank p95 <= 80 ms (the same statement), and
 * availability as the run's share of good answers. Which statuses are bad (every 5xx, a 429 throttle, a transport
 * failure) is the load test's contract with k6 (loadtest/src/k6-contract.ts); latency is read from the 200
 * responses only (`{status:200}`), matching the success-only SLI.
 */
import { latencyPercentile, SLO_DEFINITION, type SloDefinition } from './definition.ts';

export interface LatencyGate {
  name: string;
  percentile: number;
  thresholdMs: number;
}

export interface LoadTestObjectives {
  /** Good answers / all requests must be >= minGoodRatio (5xx, 429 and transport errors are bad). */
  availability: { name: string; minGoodRatio: number; badStatusFrom: number };
  /** Success-only latency: each percentile of 2xx responses must be <= thresholdMs. */
  latency: LatencyGate[];
}

/** The k6 sub-metric of successful requests' durations that the latency thresholds apply to. */
export const K6_SUCCESS_DURATION_METRIC = 'http_req_duration{status:200}';

export function loadTestObjectives(definition: SloDefinition = SLO_DEFINITION): LoadTestObjectives {
  const availability = definition.objectives.find((slo) => slo.indicator.kind === 'availability');
  if (availability === undefined || availability.indicator.kind !== 'availability') {
    throw new Error('SLO definition has no availability objective; add one to slo/src/definition.ts');
  }
  const latency: LatencyGate[] = [];
  for (const slo of definition.objectives) {
    if (slo.indicator.kind === 'latency') {
      latency.push({
        name: slo.name,
        percentile: latencyPercentile(slo, slo.indicator),
        thresholdMs: slo.indicator.thresholdMs,
      });
    }
  }
  return {
    availability: {
      name: availability.name,
      minGoodRatio: availability.target,
      badStatusFrom: availability.indicator.badStatusFrom,
    },
    latency,
  };
}

/**
 * k6 thresholds: e.g. `{ 'http_req_duration{status:200}': ['p(95)<=80', 'p(50)<=60'],
 * http_req_failed: ['rate<=0.001'] }` (the failed rate bound is rounded to hide float noise like 0.0010000002).
 */
export function k6Thresholds(definition: SloDefinition = SLO_DEFINITION): Record<string, string[]> {
  const objectives = loadTestObjectives(definition);
  const maxFailedRate = allowedBadShare(objectives);
  const thresholds: Record<string, string[]> = {
    http_req_failed: [`rate<=${maxFailedRate}`],
  };
  if (objectives.latency.length > 0) {
    thresholds[K6_SUCCESS_DURATION_METRIC] = objectives.latency.map(
      (gate) => `p(${gate.percentile})<=${gate.thresholdMs}`,
    );
  }
  return thresholds;
}

/**
 * The availability objective's allowed bad share (0.001 for 99.9 %): the k6 threshold's failed rate, and the rate
 * the release's error tests hold a candidate to.
 */
export function allowedBadShare(objectives: Pick<LoadTestObjectives, 'availability'>): number {
  // 1 - 0.999 is 0.0010000000000000009 in doubles; 12 digits keep the SLO's number and drop the noise.
  return Number((1 - objectives.availability.minGoodRatio).toFixed(12));
}
