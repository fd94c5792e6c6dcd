/**
 * Where each SLI's numbers live in CloudWatch: the service's EMF metrics plus Lambda's own metrics for the
 * alias. One place, read by the alarm plan (CDK), the report and the publisher (GetMetricData), so all measure alike.
 *
 * The app publishes each POST /predict latency under [service, Stage, Alias, StatusClass] (the SLO, read on the
 * `live` alias) and [service, Stage, Version, StatusClass] (one version's own figures). Lambda's metrics need no
 * Stage: function names differ by stage.
 *
 * Availability joins two sources because neither sees everything: the app records every POST /predict it
 * answers (one Latency value per response, by status class), but a crash, a timeout or a throttle never reaches
 * the app. Lambda's Errors (crash/timeout) and Throttles cover those; they are disjoint from the app's answers
 * (an answered 500 is a successful invocation, a throttled request is no invocation). So:
 *   all requests = app 2xx + 4xx + 5xx + Errors + Throttles,  bad = app 5xx + Errors + Throttles.
 * Lambda's Invocations is not the denominator: it counts every /health probe and /openapi.json fetch too, so a
 * probe-heavy period would dilute the bad share. Errors and Throttles cannot be split by route (Lambda does not
 * know the path), so a crash or throttle of a /health probe does count; that is acceptable because it is rare
 * (/health does no work) and a throttle or crash hits /predict alike, the error being in the environment, not
 * the route. Lambda's Invocations stays a consistency check (data-checks.ts) and the missing-data alarms' input.
 *
 * Latency (Occurrences) is good = TC(:threshold), the trimmed count of 2xx values <= threshold, over
 * all = SampleCount of 2xx. CloudWatch's ranges exclude the lower bound and include the upper one, so a request of
 * exactly 80 ms is good, as the objective says (docs/slo.md cites the statistics definitions).
 */
import type { LatencyIndicator, ServiceMetrics } from './definition.ts';

export interface MetricRef {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** CloudWatch statistic: 'Sum', 'SampleCount', 'p95', 'TC(:80)', 'PR(:80)', ... */
  statistic: string;
}

/** The function, the alias traffic goes through, and the stage whose app metrics to read. */
export interface LambdaTarget {
  functionName: string;
  aliasName: string;
  /** Value of the app's Stage dimension (dev, prod): two stages in one account never mix. */
  stage: string;
}

/** The availability SLI's inputs; the keys are the metric-math ids of AVAILABILITY_BAD_RATIO_EXPRESSION. */
export interface AvailabilitySources {
  /** App 2xx, 4xx and 5xx on POST /predict (SampleCount of Latency). */
  successes: MetricRef;
  clientErrors: MetricRef;
  serverErrors: MetricRef;
  /** Lambda Errors and Throttles of the alias: requests that never got an answer from the app. */
  errors: MetricRef;
  throttles: MetricRef;
}

export const LAMBDA_NAMESPACE = 'AWS/Lambda';

/** Status classes the app can answer a POST /predict with; their SampleCounts sum to the app's requests. */
export const APP_STATUS_CLASSES = ['2xx', '4xx', '5xx'] as const;

function lambdaMetric(metricName: string, dimensions: Record<string, string>, statistic = 'Sum'): MetricRef {
  return { namespace: LAMBDA_NAMESPACE, metricName, dimensions, statistic };
}

function aliasDimensions(target: LambdaTarget): Record<string, string> {
  return { FunctionName: target.functionName, Resource: `${target.functionName}:${target.aliasName}` };
}

/** The app's Latency metric on the alias, for one status class, at one statistic. */
export function appLatencyOnAlias(
  metrics: ServiceMetrics,
  target: LambdaTarget,
  statusClass: string,
  statistic: string,
): MetricRef {
  return {
    namespace: metrics.namespace,
    metricName: metrics.latencyMetric,
    dimensions: {
      service: metrics.service,
      [metrics.stageDimension]: target.stage,
      [metrics.aliasDimension]: target.aliasName,
      [metrics.statusClassDimension]: statusClass,
    },
    statistic,
  };
}

export function availabilitySources(metrics: ServiceMetrics, target: LambdaTarget): AvailabilitySources {
  const alias = aliasDimensions(target);
  // One Latency value per response, so each status class's count of values is its count of responses.
  return {
    successes: successesSource(metrics, target),
    clientErrors: appLatencyOnAlias(metrics, target, '4xx', 'SampleCount'),
    serverErrors: appLatencyOnAlias(metrics, target, '5xx', 'SampleCount'),
    errors: lambdaMetric('Errors', alias),
    throttles: lambdaMetric('Throttles', alias),
  };
}

/** Lambda's invocations of the alias, every route included: a consistency check, never an SLI denominator. */
export function invocationsSource(target: LambdaTarget): MetricRef {
  return lambdaMetric('Invocations', aliasDimensions(target));
}

/** Successful requests on the alias: the denominator of every latency objective. */
export function successesSource(metrics: ServiceMetrics, target: LambdaTarget): MetricRef {
  return appLatencyOnAlias(metrics, target, '2xx', 'SampleCount');
}

/** Successful requests answered within the threshold: CloudWatch's trimmed count TC(:threshold). */
export function fastSuccessesSource(
  metrics: ServiceMetrics,
  target: LambdaTarget,
  indicator: LatencyIndicator,
): MetricRef {
  return appLatencyOnAlias(metrics, target, indicator.statusClass, `TC(:${indicator.thresholdMs})`);
}

/** Success-only latency at a percentile (statistic 'p95', 'p50', ...): the time-sliced option's SLI. */
export function latencyPercentileSource(
  metrics: ServiceMetrics,
  target: LambdaTarget,
  percentile: number,
): MetricRef {
  return appLatencyOnAlias(metrics, target, '2xx', `p${percentile}`);
}

const AVAILABILITY_BAD = 'FILL(serverErrors, 0) + FILL(errors, 0) + FILL(throttles, 0)';
const AVAILABILITY_ALL = `FILL(successes, 0) + FILL(clientErrors, 0) + ${AVAILABILITY_BAD}`;

/**
 * Bad share of POST /predict requests as CloudWatch metric math over the ids of `availabilitySources`; 0 when
 * there was no traffic, so an idle period never looks like an outage (and never divides by zero).
 */
export const AVAILABILITY_BAD_RATIO_EXPRESSION = `IF((${AVAILABILITY_ALL}) > 0, (${AVAILABILITY_BAD}) / (${AVAILABILITY_ALL}), 0)`;

/** Share of successful requests slower than the threshold, over ids `fast` (TC) and `successes` (SampleCount). */
export const LATENCY_SLOW_RATIO_EXPRESSION =
  'IF(FILL(successes, 0) > 0, (FILL(successes, 0) - FILL(fast, 0)) / FILL(successes, 0), 0)';
