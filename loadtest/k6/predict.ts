/**
 * k6 load test of POST /predict: `k6 run -e SCENARIO=pr -e TARGET=http://127.0.0.1:3000 loadtest/k6/predict.ts`
 * (RATE and DURATION override the scenario's defaults; SIGV4_REGION=<region> signs every request for an AWS_IAM
 * Function URL with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN). Normally started by
 * `npm run loadtest`, which then normalizes the summary this script writes. Thresholds come from slo/, so k6
 * exits non-zero (99) when an SLO fails, when fewer valid requests than the availability target allows were
 * answered 2xx, or when no 200 came at all.
 */

import { Endpoint, SignatureV4 } from 'https://jslib.k6.io/aws/0.14.0/signature.js';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Rate } from 'k6/metrics';
import { k6Thresholds, loadTestObjectives } from '../../slo/src/load-test.ts';
import { buildCorpus } from '../src/corpus.ts';
import {
  DEFAULT_K6_SUMMARY_PATH,
  FUNCTION_URL_SIGNING_SERVICE,
  isSuccessStatus,
  K6_ENV,
  k6ExpectedStatuses,
  k6SuccessThresholds,
  minSuccessShare,
  OTHER_STATUS_METRIC,
  predictUrl,
  SUCCESS_RATE_METRIC,
  statusMetricName,
  TRACKED_STATUSES,
} from '../src/k6-contract.ts';
import { buildK6Options, K6_REQUEST_TIMEOUT, resolveScenarioRun } from '../src/scenarios.ts';

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

const objectives = loadTestObjectives();
export const options = buildK6Options(run, {
  ...k6Thresholds(),
  ...k6SuccessThresholds(minSuccessShare(objectives)),
});

// Expected (good), as in production and in the Node runner: every status but 5xx and 429 (throttled); a transport
// failure has no status and fails too. Other 4xx are the caller's fault: the 2xx-share threshold catches a valid
// corpus answered with them.
http.setResponseCallback(http.expectedStatuses(...k6ExpectedStatuses(objectives.availability.badStatusFrom)));

const bodies = buildCorpus().map((body) => JSON.stringify(body));
const statusCounters = new Map<number, Counter>(
  TRACKED_STATUSES.map((status) => [status, new Counter(statusMetricName(status))]),
);
const otherStatusCounter = new Counter(OTHER_STATUS_METRIC);
const successRate = new Rate(SUCCESS_RATE_METRIC);
const JSON_HEADERS = { 'content-type': 'application/json' };

function createSigner(region: string): SignatureV4 {
  const accessKeyId = __ENV.AWS_ACCESS_KEY_ID;
  const secretAccessKey = __ENV.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      `${K6_ENV.sigv4Region} is set but AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not; npm run loadtest -- --sigv4 passes them from the default credential chain`,
    );
  }
  const sessionToken = __ENV.AWS_SESSION_TOKEN;
  return new SignatureV4({
    service: FUNCTION_URL_SIGNING_SERVICE,
    region,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
  });
}

const sigv4Region = __ENV[K6_ENV.sigv4Region];
const signer = sigv4Region ? createSigner(sigv4Region) : null;
// k6 has no URL class: the origin is what predictUrl was given, up to its first path slash.
const origin = /^https?:\/\/[^/]+/.exec(url)?.[0] ?? url;
const endpoint = signer ? new Endpoint(origin) : null;
const path = url.slice(origin.length);

/** Headers and URL for one request: signed over the exact body bytes sent, when signing. */
function prepared(body: string): { url: string; headers: Record<string, string> } {
  if (signer === null || endpoint === null) return { url, headers: JSON_HEADERS };
  return signer.sign({ method: 'POST', endpoint, path, headers: { ...JSON_HEADERS }, body });
}

export default function predict(): void {
  const body = bodies[exec.scenario.iterationInTest % bodies.length] as string;
  const request = prepared(body);
  // The same timeout as the Node runner (scenarios.ts): past it, the request is a transport failure (status 0).
  const response = http.post(request.url, body, { headers: request.headers, timeout: K6_REQUEST_TIMEOUT });
  (statusCounters.get(response.status) ?? otherStatusCounter).add(1);
  successRate.add(isSuccessStatus(response.status));
}

export function handleSummary(data: unknown): Record<string, string> {
  return {
    [summaryPath]: JSON.stringify(data, null, 2),
    stdout: `k6 summary written to ${summaryPath}\n`,
  };
}
