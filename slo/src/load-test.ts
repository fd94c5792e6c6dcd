/**
 * Load-test gates derived from the SLO definition, for k6 (`options.thresholds`) and for the Node runner.
 * Dependency-free because k6 imports it. A load test lasts minutes: each latency objective is judged on the run as
 * a whole, "at least 95% of 2xx in <= 80 ms" as the run's nearest-rank p95 <= 80 ms (the same statement), and
 * availability as the run's share of non-5xx responses.
 *
 * k6 counts every 4xx as `http_req_failed` by default, while the availability SLI counts only 5xx (and
 * transport errors) as bad. A scenario using these thresholds must therefore declare 4xx as expected:
 *   http.setResponseCallback(http.expectedStatuses(K6_EXPECTED_STATUSES));
 * and latency is then read from the 200 responses only (`{status:200}`), matching the success-only SLI.
 */
import { latencyPercentile, SLO_DEFINITION, type SloDefinition } from './definition.ts';

export interface LatencyGate {
  name: string;
  percentile: number;
  thresholdMs: number;
}

export interface LoadTestObjectives {
  /** Non-5xx responses / all requests (transport errors count as bad) must be >= minGoodRatio. */
  availability: { name: string; minGoodRatio: number; badStatusFrom: number };
  /** Success-only latency: each percentile of 2xx responses must be <= thresholdMs. */
  latency: LatencyGate[];
}

/** Pass to `http.expectedStatuses` so that only 5xx and transport errors are `http_req_failed`. */
export const K6_EXPECTED_STATUSES = { min: 200, max: 499 } as const;

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
  const maxFailedRate = roundTo12(1 - objectives.availability.minGoodRatio);
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

function roundTo12(value: number): number {
  return Number(value.toFixed(12));
}
