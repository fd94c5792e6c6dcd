/**
 * Names shared by the k6 script (which records them) and the summary parser (which reads them back).
 * Dependency-free: k6 imports it.
 */

/** One counter per status the service (or Lambda's Function URL in front of it: 401/403 for a missing or wrong
 * signature, 429 for a throttle) can answer with; anything else lands in `other`. k6 summaries carry no
 * per-status breakdown, so the script counts them itself. 0 is k6's status for a transport failure. */
export const TRACKED_STATUSES = [0, 200, 400, 401, 403, 404, 413, 415, 422, 429, 500, 502, 503, 504] as const;

/** k6's status for a request that got no answer (refused, reset, timed out); the Node runner's `transport_error`. */
export const TRANSPORT_FAILURE_STATUS = 0;

/** What Lambda answers a throttled request with. The availability SLO counts throttles as bad, as production
 * does (Lambda's Throttles metric is in its bad events), so a load test must too, although it is a 4xx. */
export const THROTTLED_STATUS = 429;

/**
 * Bad for availability, on both runners: a transport failure, a throttle, or a status at or above the SLO's
 * `badStatusFrom` (500). Every other 4xx is the caller's fault; the gate's 2xx share catches those.
 */
export function isBadStatus(status: number, badStatusFrom: number): boolean {
  return status === TRANSPORT_FAILURE_STATUS || status === THROTTLED_STATUS || status >= badStatusFrom;
}

/** For `http.expectedStatuses(...)`: every answer isBadStatus does not call bad, so k6's `http_req_failed`
 * counts exactly what the Node runner counts. */
export function k6ExpectedStatuses(badStatusFrom: number): { min: number; max: number }[] {
  return [
    { min: 100, max: THROTTLED_STATUS - 1 },
    { min: THROTTLED_STATUS + 1, max: badStatusFrom - 1 },
  ];
}
/** A 2xx answer: what every body of the (valid) corpus should get. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * The least share of 2xx answers a run of the valid corpus must get, for the Node gate's successful-responses
 * check and for k6's threshold alike: the misses the availability SLO allows, and no more. Without it a run
 * answered 403 (or any 4xx) everywhere would pass, since a 4xx is good for availability.
 */
export function minSuccessShare(objectives: { availability: { minGoodRatio: number } }): number {
  return objectives.availability.minGoodRatio;
}

/** k6 Rate metric: one sample per answer, true for a 2xx. */
export const SUCCESS_RATE_METRIC = 'shiftgate_successful_responses';

/**
 * Thresholds k6 adds to slo/'s (`k6Thresholds()`): the 2xx share, and at least one 200 counted. The latter
 * because the `{status:200}` latency thresholds have nothing to fail on when no 200 came; k6 evaluates a
 * threshold on a metric without samples since v0.38 (grafana/k6#1346, #2540), so `count>0` fails such a run.
 */
export function k6SuccessThresholds(minShare: number): Record<string, string[]> {
  return {
    [SUCCESS_RATE_METRIC]: [`rate>=${minShare}`],
    [statusMetricName(200)]: ['count>0'],
  };
}

export const STATUS_METRIC_PREFIX = 'shiftgate_status_';
export const OTHER_STATUS_METRIC = `${STATUS_METRIC_PREFIX}other`;

export function statusMetricName(status: number): string {
  return `${STATUS_METRIC_PREFIX}${status}`;
}

/** The trend statistics the summary must carry so the parser can fill p50/p90/p95/p99/max. */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'];

/** Environment variables the k6 script reads (`k6 run -e NAME=value`). */
export const K6_ENV = {
  scenario: 'SCENARIO',
  target: 'TARGET',
  rate: 'RATE',
  duration: 'DURATION',
  summaryPath: 'SUMMARY_PATH',
  /** Set to a region to sign every request with SigV4 (credentials from AWS_ACCESS_KEY_ID, ...). */
  sigv4Region: 'SIGV4_REGION',
} as const;

/** Default path of the raw k6 summary, relative to where k6 runs (the repository root). */
export const DEFAULT_K6_SUMMARY_PATH = 'loadtest/results/k6-summary.json';

// The client owns the endpoint and what signing a Function URL needs; the k6 script and the release read them here.
export {
  FUNCTION_URL_SIGNING_SERVICE,
  functionUrlRegion,
  PREDICT_PATH,
  predictUrl,
} from '../../client/src/endpoint.ts';
