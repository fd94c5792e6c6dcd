/**
 * One Lambda version's own figures, for a release judging its candidate while the `live` alias shifts weight:
 * Lambda's invocations, errors, throttles, duration percentiles and provisioned-concurrency spillover, and the
 * app's 2xx, 4xx and 5xx counts, latency percentiles and TC/PR at each latency threshold, all for that version
 * only. Pure. The counts of every APP_STATUS_CLASSES entry plus errors and throttles are the version's
 * availability denominator (metric-sources.ts), so a release can judge its candidate's availability too.
 *
 * Lambda: a version invoked through a weighted alias is reported under the alias's Resource with the
 * ExecutedVersion dimension; a version invoked by its own ARN (a pre-traffic smoke test) under Resource =
 * function:version. The app: its [service, Stage, Version, StatusClass] dimension set.
 */
import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { metricDataQuery } from './cloudwatch-series.ts';
import { latencyPercentile, type SloDefinition } from './definition.ts';
import { APP_STATUS_CLASSES, LAMBDA_NAMESPACE, type MetricRef } from './metric-sources.ts';

export interface VersionTarget {
  functionName: string;
  /** The app's Stage dimension value. */
  stage: string;
  /** The Lambda version number, e.g. '42' (AWS_LAMBDA_FUNCTION_VERSION in the app's Version dimension). */
  version: string;
  /** The weighted alias the version takes traffic through ('live'); omit for direct invocations of the version. */
  viaAlias?: string;
}

/** The id of each status class's count: the same names as the alias's AvailabilitySources. */
const STATUS_CLASS_IDS: Record<(typeof APP_STATUS_CLASSES)[number], string> = {
  '2xx': 'successes',
  '4xx': 'clientErrors',
  '5xx': 'serverErrors',
};

/** Metric per GetMetricData id (ids start with a lower-case letter, as CloudWatch requires). */
export function versionSources(definition: SloDefinition, target: VersionTarget): Record<string, MetricRef> {
  const { functionName, version, viaAlias } = target;
  const lambdaDimensions: Record<string, string> =
    viaAlias === undefined
      ? { FunctionName: functionName, Resource: `${functionName}:${version}` }
      : { FunctionName: functionName, Resource: `${functionName}:${viaAlias}`, ExecutedVersion: version };
  const lambda = (metricName: string, statistic: string): MetricRef => ({
    namespace: LAMBDA_NAMESPACE,
    metricName,
    dimensions: lambdaDimensions,
    statistic,
  });
  const metrics = definition.metrics;
  const app = (statusClass: string, statistic: string): MetricRef => ({
    namespace: metrics.namespace,
    metricName: metrics.latencyMetric,
    dimensions: {
      service: metrics.service,
      [metrics.stageDimension]: target.stage,
      [metrics.versionDimension]: version,
      [metrics.statusClassDimension]: statusClass,
    },
    statistic,
  });

  const sources: Record<string, MetricRef> = {
    invocations: lambda('Invocations', 'Sum'),
    errors: lambda('Errors', 'Sum'),
    throttles: lambda('Throttles', 'Sum'),
    spillover: lambda('ProvisionedConcurrencySpilloverInvocations', 'Sum'),
  };
  for (const statusClass of APP_STATUS_CLASSES)
    sources[STATUS_CLASS_IDS[statusClass]] = app(statusClass, 'SampleCount');
  const percentiles = new Set<number>();
  const thresholds = new Set<number>();
  for (const slo of definition.objectives) {
    if (slo.indicator.kind !== 'latency') continue;
    percentiles.add(latencyPercentile(slo, slo.indicator));
    thresholds.add(slo.indicator.thresholdMs);
  }
  for (const percentile of [...percentiles].sort((a, b) => a - b)) {
    const name = `P${String(percentile).replace('.', '_')}`;
    sources[`duration${name}`] = lambda('Duration', `p${percentile}`);
    sources[`latency${name}`] = app('2xx', `p${percentile}`);
  }
  for (const thresholdMs of [...thresholds].sort((a, b) => a - b)) {
    const name = `${String(thresholdMs).replace('.', '_')}ms`;
    sources[`within${name}`] = app('2xx', `TC(:${thresholdMs})`);
    sources[`percentWithin${name}`] = app('2xx', `PR(:${thresholdMs})`);
  }
  return sources;
}

/** The GetMetricData queries of `versionSources`, each at `periodSeconds`. */
export function versionMetricQueries(
  definition: SloDefinition,
  target: VersionTarget,
  periodSeconds: number,
): MetricDataQuery[] {
  return Object.entries(versionSources(definition, target)).map(([id, metric]) =>
    metricDataQuery(id, metric, periodSeconds),
  );
}
