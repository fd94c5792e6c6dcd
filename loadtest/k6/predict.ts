/**
 * k6 load test of POST /predict: `k6 run -e SCENARIO=pr -e TARGET=http://127.0.0.1:3000 loadtest/k6/predict.ts`
 * (RATE and DURATION override the scenario's defaults). Normally started by `npm run loadtest`, which then
 * normalizes the summary this script writes. Thresholds come from slo/, so k6 exits non-zero when an SLO fails.
 */
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import { K6_EXPECTED_STATUSES, k6Thresholds } from '../../slo/src/load-test.ts';
import { buildCorpus } from '../src/corpus.ts';
import {
  DEFAULT_K6_SUMMARY_PATH,
  K6_ENV,
  OTHER_STATUS_METRIC,
  predictUrl,
  statusMetricName,
  TRACKED_STATUSES,
} from '../src/k6-contract.ts';
import { buildK6Options, resolveScenarioRun } from '../src/scenarios.ts';

const run = resolveScenarioRun({
  scenario: __ENV[K6_ENV.scenario],
  rate: __ENV[K6_ENV.rate],
  duration: __ENV[K6_ENV.duration],
});
const target = __ENV[K6_ENV.target];
if (!target)
  throw new Error(`${K6_ENV.target} is required: k6 run -e ${K6_ENV.target}=http://127.0.0.1:3000 ...`);
const url = predictUrl(target);
const summaryPath = __ENV[K6_ENV.summaryPath] || DEFAULT_K6_SUMMARY_PATH;

export const options = buildK6Options(run, k6Thresholds());

// Only 5xx and transport failures are availability errors; a 4xx is the caller's fault.
http.setResponseCallback(http.expectedStatuses(K6_EXPECTED_STATUSES));

const bodies = buildCorpus().map((body) => JSON.stringify(body));
const statusCounters = new Map<number, Counter>(
  TRACKED_STATUSES.map((status) => [status, new Counter(statusMetricName(status))]),
);
const otherStatusCounter = new Counter(OTHER_STATUS_METRIC);
const params = { headers: { 'content-type': 'application/json' } };

export default function predict(): void {
  const body = bodies[exec.scenario.iterationInTest % bodies.length];
  const response = http.post(url, body, params);
  (statusCounters.get(response.status) ?? otherStatusCounter).add(1);
}

export function handleSummary(data: unknown): Record<string, string> {
  return {
    [summaryPath]: JSON.stringify(data, null, 2),
    stdout: `k6 summary written to ${summaryPath}\n`,
  };
}
