/**
 * What the local platform records about each invocation, named and dimensioned as Lambda publishes it to
 * CloudWatch, and the per-version figures a release reads back through the port. The reading side takes its
 * metric names and dimensions from slo/src/version-metrics.ts (the queries the AWS side sends), so a mismatch
 * between what the platform writes and what a release reads fails the tests here, not a release.
 *
 * Lambda (namespace AWS/Lambda): an invocation through the alias counts under {FunctionName, Resource:
 * "<function>:live"} and {FunctionName, Resource, ExecutedVersion}; an invocation of a version's own qualifier
 * under {FunctionName, Resource: "<function>:<n>"}. Lambda's function-wide {FunctionName} aggregate is not kept:
 * no release reads it. A throttle counts under the version the alias had picked (the local pool throttles per
 * dispatch). Plus a platform-only ColdStarts count (namespace LocalPlatform, {Version}) for `status`.
 */
import { percentile } from '../../../common/percentile.ts';
import { SLO_DEFINITION, type SloDefinition } from '../../../slo/src/definition.ts';
import { LAMBDA_NAMESPACE, type MetricRef } from '../../../slo/src/metric-sources.ts';
import { LIVE_ALIAS, type MetricsVia, type TimeRange, type VersionMetrics } from '../port.ts';
import { versionMetricSources, versionMetricsOf } from '../version-metric-sources.ts';
import { wholePeriods } from '../whole-periods.ts';
import type { MetricStore, Statistic } from './metric-store.ts';

/** The local function is named after the service it runs. */
export const LOCAL_FUNCTION_NAME = SLO_DEFINITION.service;

export const LAMBDA_METRIC = {
  invocations: 'Invocations',
  errors: 'Errors',
  throttles: 'Throttles',
  duration: 'Duration',
  spillover: 'ProvisionedConcurrencySpilloverInvocations',
  concurrentExecutions: 'ConcurrentExecutions',
} as const;

export const PLATFORM_NAMESPACE = 'LocalPlatform';
export const COLD_STARTS_METRIC = 'ColdStarts';
export const COLD_STARTS_DIMENSION = 'Version';

/** One request's fate, as the front saw it. */
export interface InvocationRecord {
  /** When the invocation started, ms since the epoch. */
  readonly timestamp: number;
  /** The qualifier invoked: the alias name ('live') or the version's own number. */
  readonly qualifier: string;
  /** The version that ran it (for the alias, the one it picked). */
  readonly version: string;
  /** ok includes an app's own 4xx/5xx answer: Lambda only sees a crash, a timeout or a thrown error as an error. */
  readonly kind: 'ok' | 'function-error' | 'throttle';
  /** Required unless throttled: the invocation's run time (init excluded, as Lambda's Duration). */
  readonly durationMs?: number;
  readonly coldStart: boolean;
  /** It found every provisioned environment of its version busy and ran on an on-demand one. */
  readonly spillover: boolean;
  /** Environments busy when it started, itself included (Lambda's ConcurrentExecutions, read as Maximum). */
  readonly concurrentExecutions?: number;
}

const isVersionQualifier = (qualifier: string) => /^\d+$/.test(qualifier);

const resourceDimensions = (functionName: string, qualifier: string): Record<string, string> => ({
  FunctionName: functionName,
  Resource: `${functionName}:${qualifier}`,
});

const executedVersionDimensions = (functionName: string, alias: string, version: string) => ({
  ...resourceDimensions(functionName, alias),
  ExecutedVersion: version,
});

/** Every dimension set an invocation of `qualifier` that ran on `version` counts under. */
export function lambdaDimensionSets(
  qualifier: string,
  version: string,
  functionName = LOCAL_FUNCTION_NAME,
): Record<string, string>[] {
  return isVersionQualifier(qualifier)
    ? [resourceDimensions(functionName, qualifier)]
    : [
        resourceDimensions(functionName, qualifier),
        executedVersionDimensions(functionName, qualifier, version),
      ];
}

export function recordInvocation(
  store: MetricStore,
  outcome: InvocationRecord,
  functionName = LOCAL_FUNCTION_NAME,
): void {
  const { timestamp, qualifier, version, kind } = outcome;
  if (isVersionQualifier(qualifier) && qualifier !== version) {
    throw new RangeError(`invocation of qualifier ${qualifier} cannot have run on version ${version}`);
  }
  if (
    kind !== 'throttle' &&
    !(typeof outcome.durationMs === 'number' && Number.isFinite(outcome.durationMs))
  ) {
    throw new RangeError(
      `a ${kind} invocation of ${qualifier} needs its durationMs, got ${outcome.durationMs}`,
    );
  }
  const puts: [name: string, value: number][] = [];
  if (kind === 'throttle') puts.push([LAMBDA_METRIC.throttles, 1]);
  else {
    puts.push([LAMBDA_METRIC.invocations, 1], [LAMBDA_METRIC.duration, outcome.durationMs as number]);
    if (kind === 'function-error') puts.push([LAMBDA_METRIC.errors, 1]);
    if (outcome.spillover) puts.push([LAMBDA_METRIC.spillover, 1]);
  }
  if (outcome.concurrentExecutions !== undefined) {
    puts.push([LAMBDA_METRIC.concurrentExecutions, outcome.concurrentExecutions]);
  }
  for (const dimensions of lambdaDimensionSets(qualifier, version, functionName)) {
    for (const [name, value] of puts)
      store.put({ namespace: LAMBDA_NAMESPACE, name, dimensions, value, timestamp });
  }
  if (outcome.coldStart) {
    store.put({
      namespace: PLATFORM_NAMESPACE,
      name: COLD_STARTS_METRIC,
      dimensions: { [COLD_STARTS_DIMENSION]: version },
      value: 1,
      timestamp,
    });
  }
}

/**
 * The port's VersionMetrics for one version over a range and a `via` (port.ts): read with the very MetricRefs
 * the AWS side queries (version-metric-sources.ts), so Lambda's figures count the traffic `via` names and the
 * app's are scoped as the service's dimensions allow. The range is widened to the store's whole periods, and the
 * result names the widened one: the periods counted, as the AWS side answers with whole minutes.
 */
export function versionMetrics(
  store: MetricStore,
  options: {
    readonly version: string;
    readonly range: TimeRange;
    readonly via: MetricsVia;
    readonly stage: string;
    /** Where the app's metrics and the percentiles read come from; the service's own by default. */
    readonly definition?: SloDefinition;
    readonly functionName?: string;
  },
): VersionMetrics {
  const { version, via, stage, definition = SLO_DEFINITION, functionName = LOCAL_FUNCTION_NAME } = options;
  const range = wholePeriods(options.range, store.periodMs);
  const sources = versionMetricSources(definition, { functionName, stage, version, via });
  const source = (id: string): MetricRef => {
    const ref = sources[id];
    if (!ref)
      throw new Error(
        `slo/src/version-metrics.ts no longer names a source "${id}": update lambda-metrics.ts`,
      );
    return ref;
  };
  // Percentiles too are read by the AWS side's ids (durationP50, latencyP95...), statistic and all: an SLO
  // definition without a p50 or p95 objective names no such id, and source() says so instead of a silent guess.
  const read = (ref: MetricRef) =>
    store.query({
      namespace: ref.namespace,
      name: ref.metricName,
      dimensions: ref.dimensions,
      start: range.start,
      end: range.end,
      statistic: ref.statistic as Statistic,
    });
  const count = (id: string) => read(source(id)) ?? 0;
  return versionMetricsOf({ version, via, range }, { count, percentile: (id) => read(source(id)) });
}

export interface VersionTotals {
  readonly invocations: number;
  readonly errors: number;
  readonly throttles: number;
  readonly coldStarts: number;
  /** Lambda Duration over every invocation of the version; null when it ran none. */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

/** A version's figures over everything the store keeps, through `live` and its own qualifier alike (`status`). */
export function versionTotals(
  store: MetricStore,
  version: string,
  functionName = LOCAL_FUNCTION_NAME,
): VersionTotals {
  const everything = { start: 0, end: Number.POSITIVE_INFINITY };
  const dimensionSets = [
    executedVersionDimensions(functionName, LIVE_ALIAS, version),
    resourceDimensions(functionName, version),
  ];
  const samples = (name: string) =>
    dimensionSets.flatMap((dimensions) =>
      store.samples({ namespace: LAMBDA_NAMESPACE, name, dimensions, ...everything }),
    );
  const count = (name: string) => samples(name).reduce((sum, value) => sum + value, 0);
  const durations = samples(LAMBDA_METRIC.duration);
  const coldStarts = store.query({
    namespace: PLATFORM_NAMESPACE,
    name: COLD_STARTS_METRIC,
    dimensions: { [COLD_STARTS_DIMENSION]: version },
    statistic: 'Sum',
    ...everything,
  });
  return {
    invocations: count(LAMBDA_METRIC.invocations),
    errors: count(LAMBDA_METRIC.errors),
    throttles: count(LAMBDA_METRIC.throttles),
    coldStarts: coldStarts ?? 0,
    p50Ms: durations.length === 0 ? null : percentile(durations, 50),
    p95Ms: durations.length === 0 ? null : percentile(durations, 95),
  };
}
