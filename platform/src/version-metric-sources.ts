/**
 * Which CloudWatch series a version's metrics are read from, for each `via` of the port (port.ts, MetricsVia):
 * slo/src/version-metrics.ts's versionSources, with the app's series moved to the scope the service's dimension
 * sets allow. Pure, so the local platform (lambda-metrics.ts) and the AWS one (GetMetricData) read the same
 * series, and a change in the service's dimensions breaks one test rather than one of two platforms.
 *
 * - 'live': Lambda's by Resource `<function>:live` and ExecutedVersion; the app's by its Version dimension (every
 *   qualifier: the service publishes no set with both Alias and Version).
 * - 'version': Lambda's by Resource `<function>:<n>`; the app's by its Alias dimension = `<n>` (the service's
 *   Alias is the qualifier invoked, service/src/lambda/context.ts), so both count the version's own qualifier.
 */
import type { SloDefinition } from '../../slo/src/definition.ts';
import type { MetricRef } from '../../slo/src/metric-sources.ts';
import { versionSources } from '../../slo/src/version-metrics.ts';
import { LIVE_ALIAS, type MetricsVia, type TimeRange, type VersionMetrics } from './port.ts';

export interface VersionMetricTarget {
  readonly functionName: string;
  /** The app's Stage dimension value. */
  readonly stage: string;
  readonly version: string;
  readonly via: MetricsVia;
}

/** Metric per GetMetricData id (versionSources' ids), scoped to `target.via`. */
export function versionMetricSources(
  definition: SloDefinition,
  target: VersionMetricTarget,
): Record<string, MetricRef> {
  const { functionName, stage, version, via } = target;
  if (via === 'live') {
    return versionSources(definition, { functionName, stage, version, viaAlias: LIVE_ALIAS });
  }
  const { namespace, versionDimension, aliasDimension } = definition.metrics;
  const sources = versionSources(definition, { functionName, stage, version });
  return Object.fromEntries(
    Object.entries(sources).map(([id, ref]) => {
      if (ref.namespace !== namespace || ref.dimensions[versionDimension] !== version) return [id, ref];
      const { [versionDimension]: _byVersion, ...others } = ref.dimensions;
      return [id, { ...ref, dimensions: { ...others, [aliasDimension]: version } }];
    }),
  );
}

/** The source ids VersionMetrics reads as counts, and as percentiles: what a platform must fetch, and no more. */
export const VERSION_METRIC_COUNT_IDS = [
  'invocations',
  'errors',
  'throttles',
  'spillover',
  'successes',
  'clientErrors',
  'serverErrors',
] as const;
export const VERSION_METRIC_PERCENTILE_IDS = [
  'durationP50',
  'durationP95',
  'latencyP50',
  'latencyP95',
] as const;
export type VersionMetricCountId = (typeof VERSION_METRIC_COUNT_IDS)[number];
export type VersionMetricPercentileId = (typeof VERSION_METRIC_PERCENTILE_IDS)[number];

/** How a platform reads one source id's figure: a count (0 when nothing arrived) or a percentile (null then). */
export interface VersionMetricReader {
  count(id: VersionMetricCountId): number;
  percentile(id: VersionMetricPercentileId): number | null;
}

/** The port's VersionMetrics from the ids above: one mapping of ids to fields for the local and the AWS side. */
export function versionMetricsOf(
  target: { readonly version: string; readonly via: MetricsVia; readonly range: TimeRange },
  { count, percentile }: VersionMetricReader,
): VersionMetrics {
  return {
    ...target,
    invocations: count('invocations'),
    errors: count('errors'),
    throttles: count('throttles'),
    provisionedConcurrencySpilloverInvocations: count('spillover'),
    durationP50Ms: percentile('durationP50'),
    durationP95Ms: percentile('durationP95'),
    app: {
      requests2xx: count('successes'),
      requests4xx: count('clientErrors'),
      requests5xx: count('serverErrors'),
      latencyP50Ms: percentile('latencyP50'),
      latencyP95Ms: percentile('latencyP95'),
    },
  };
}
