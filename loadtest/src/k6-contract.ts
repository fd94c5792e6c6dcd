/**
 * Names shared by the k6 script (which records them) and the summary parser (which reads them back).
 * Dependency-free: k6 imports it.
 */

/** One counter per status the service can answer with; anything else lands in `other`. k6 summaries carry no
 * per-status breakdown, so the script counts them itself. 0 is k6's status for a transport failure. */
export const TRACKED_STATUSES = [0, 200, 400, 404, 413, 415, 422, 429, 500, 502, 503, 504] as const;
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
} as const;

/** Default path of the raw k6 summary, relative to where k6 runs (the repository root). */
export const DEFAULT_K6_SUMMARY_PATH = 'loadtest/results/k6-summary.json';

/** The service's prediction endpoint, appended to the target base URL. */
export const PREDICT_PATH = '/predict';

/** `http://host:3000` or `https://abc.lambda-url.../` -> the predict URL; a target must be an http(s) URL. */
export function predictUrl(target: string): string {
  if (!/^https?:\/\/[^/]+/.test(target)) {
    throw new Error(`target must be an http(s) base URL like http://127.0.0.1:3000, got "${target}"`);
  }
  return `${target.replace(/\/+$/, '')}${PREDICT_PATH}`;
}
