/**
 * Where each SLI's numbers live in CloudWatch: the service's EMF metrics plus Lambda's own metrics for the
 * alias. One place, read by the alarm plan (CDK) and the report (GetMetricData), so both measure alike.
 *
 * Availability joins two sources because neither sees everything: the app records the 5xx it answers, but a
 * crash, a timeout or a throttle never reaches the app. Lambda's Errors (crash/timeout) and Throttles cover
 * those; they are disjoint from the app's 5xx (an answered 500 is a successful invocation). All requests =
 * Invocations + Throttles (Lambda's Invocations excludes throttled requests).
 */
import type { LatencyIndicator, ServiceMetrics } from './definition.ts';

export interface MetricRef {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** CloudWatch statistic: 'Sum', 'SampleCount', 'p95', ... */
  statistic: string;
}

export interface LambdaTarget {
  functionName: string;
  aliasName: string;
}

export interface AvailabilitySources {
  serverErrors: MetricRef;
  errors: MetricRef;
  throttles: MetricRef;
  invocations: MetricRef;
}

const LAMBDA_NAMESPACE = 'AWS/Lambda';

export function availabilitySources(metrics: ServiceMetrics, target: LambdaTarget): AvailabilitySources {
  const alias = { FunctionName: target.functionName, Resource: `${target.functionName}:${target.aliasName}` };
  const lambda = (metricName: string): MetricRef => ({
    namespace: LAMBDA_NAMESPACE,
    metricName,
    dimensions: alias,
    statistic: 'Sum',
  });
  return {
    serverErrors: {
      namespace: metrics.namespace,
      metricName: metrics.latencyMetric,
      dimensions: { service: metrics.service, [metrics.statusClassDimension]: '5xx' },
      // One Latency value per request, so the count of values is the count of 5xx responses.
      statistic: 'SampleCount',
    },
    errors: lambda('Errors'),
    throttles: lambda('Throttles'),
    invocations: lambda('Invocations'),
  };
}

/** Success-only latency at the indicator's percentile (CloudWatch statistic 'p95', 'p50', ...). */
export function latencySource(metrics: ServiceMetrics, indicator: LatencyIndicator): MetricRef {
  return {
    namespace: metrics.namespace,
    metricName: metrics.latencyMetric,
    dimensions: { service: metrics.service, [metrics.statusClassDimension]: indicator.statusClass },
    statistic: `p${indicator.percentile}`,
  };
}

/**
 * Bad share of requests as CloudWatch metric math over the ids of `availabilitySources`; 0 when there was no
 * traffic, so an idle period never looks like an outage (and never divides by zero).
 */
export const AVAILABILITY_BAD_RATIO_EXPRESSION =
  'IF((FILL(invocations, 0) + FILL(throttles, 0)) > 0, ' +
  '(FILL(serverErrors, 0) + FILL(errors, 0) + FILL(throttles, 0)) / (FILL(invocations, 0) + FILL(throttles, 0)), 0)';
