/**
 * The predictor's service-level objectives: the ONE place their numbers are written. k6 thresholds, the local
 * load-test gate, the CloudWatch burn-rate alarms and the error-budget report are all derived from this data.
 *
 * A typed module rather than a YAML file because k6 imports it too and cannot parse YAML without bundling a
 * parser; field names follow OpenSLO v1 (service, timeWindow, budgetingMethod, target, timeSliceWindow) so a
 * converter to OpenSLO YAML would be a mechanical mapping. Dependency-free on purpose: k6 runs it.
 * Whoever edits this file should run `npx vitest run slo` — the loaded definition is validated there and at the
 * start of every CLI (see validate.ts).
 */

/** An OpenSLO-style duration: a whole number of minutes, hours or days ('5m', '1h', '28d'). */
export type Duration = `${number}${'m' | 'h' | 'd'}`;

export type Severity = 'page' | 'ticket';

/** Where the service's own request metrics live (EMF via Powertools Metrics, one `Latency` value per request). */
export interface ServiceMetrics {
  namespace: string;
  /** The `service` dimension value Powertools adds to every metric. */
  service: string;
  latencyMetric: string;
  statusClassDimension: string;
  /**
   * Every `Latency` value is published under two dimension sets, so that two stages in one account never mix and
   * a release can read one version's own figures:
   *   [service, Stage, Alias, StatusClass]   the SLO, read on the `live` alias (both versions while shifting);
   *   [service, Stage, Version, StatusClass] one Lambda version's figures, e.g. a release candidate's.
   * Stage comes from the function's configuration, Alias from the invoked ARN's qualifier and Version from
   * AWS_LAMBDA_FUNCTION_VERSION.
   */
  stageDimension: string;
  aliasDimension: string;
  versionDimension: string;
}

/**
 * Occurrences: good events / all events over the window (a ratio of POST /predict requests).
 * Bad = 5xx the app answered + invocations Lambda itself failed (crash, timeout) + throttled requests;
 * all = the app's answers + those failures (metric-sources.ts says why not Lambda's Invocations).
 */
export interface AvailabilityIndicator {
  kind: 'availability';
  /** Responses with a status at or above this are bad; 4xx are the caller's fault and count as good. */
  badStatusFrom: number;
}

/**
 * Latency of SUCCESSFUL responses (a fast 500 must not make latency look better; failures are availability's).
 * - Occurrences (the objectives of record): a good event is a 2xx answered in <= thresholdMs; the target is the
 *   share of 2xx that must be good. "95% in <= 80 ms" is the same statement as "nearest-rank p95 <= 80 ms" over
 *   the window, so the equivalent percentile is derived from the target (see latencyPercentile), never written.
 * - Timeslices (an option): a slice is good when `percentile` of its 2xx latencies is <= thresholdMs; a slice
 *   without successful requests hurt nobody and is not bad.
 */
export interface LatencyIndicator {
  kind: 'latency';
  thresholdMs: number;
  /** The status class whose latency counts: only successful responses. */
  statusClass: '2xx';
  /** Timeslices only: 0 < percentile < 100, e.g. 95 for p95. Occurrences derive it from the target. */
  percentile?: number;
}

export interface ServiceLevelObjective {
  /** Stable, kebab-case: used in alarm names, report rows and load-test gate names. */
  name: string;
  description: string;
  budgetingMethod: 'Occurrences' | 'Timeslices';
  indicator: AvailabilityIndicator | LatencyIndicator;
  /** Fraction of events (Occurrences) or of time slices (Timeslices) that must be good: 0 < target < 1. */
  target: number;
  /** Only for Timeslices. */
  timeSliceWindow?: Duration;
}

/**
 * One multiwindow alert (SRE Workbook, "Alerting on SLOs", table 5-8): fire when BOTH windows burn faster than
 * the factor that would spend `budgetConsumed` of the whole window's budget within `longWindow`. The factor is
 * derived (budgetConsumed x SLO window / longWindow), never written here.
 */
export interface BurnRateAlert {
  severity: Severity;
  longWindow: Duration;
  shortWindow: Duration;
  /** Fraction of the SLO window's error budget spent within longWindow that justifies this alert. */
  budgetConsumed: number;
}

/** What the burn-rate publisher (slo/src/publisher) writes, in the service's namespace. */
export interface PublishedSloMetrics {
  /** Exact burn rate of a window too long for a native CloudWatch alarm; dimensions service, Stage, Slo, Window. */
  burnRateMetric: string;
  /** Share of the SLO window's budget left (1 = untouched, < 0 overspent); dimensions service, Stage, Slo. */
  budgetRemainingMetric: string;
  sloDimension: string;
  windowDimension: string;
}

export interface SloDefinition {
  apiVersion: 'openslo/v1';
  service: string;
  /** Rolling compliance window shared by every objective. */
  timeWindow: { duration: Duration; isRolling: true };
  metrics: ServiceMetrics;
  published: PublishedSloMetrics;
  objectives: ServiceLevelObjective[];
  burnRateAlerts: BurnRateAlert[];
}

export const SLO_DEFINITION: SloDefinition = {
  apiVersion: 'openslo/v1',
  service: 'predictor',
  timeWindow: { duration: '28d', isRolling: true },
  metrics: {
    namespace: 'Shiftgate',
    service: 'predictor',
    latencyMetric: 'Latency',
    statusClassDimension: 'StatusClass',
    stageDimension: 'Stage',
    aliasDimension: 'Alias',
    versionDimension: 'Version',
  },
  published: {
    burnRateMetric: 'BurnRate',
    budgetRemainingMetric: 'ErrorBudgetRemaining',
    sloDimension: 'Slo',
    windowDimension: 'Window',
  },
  // The service's own objectives, over 28 rolling days. The latency ones are ratios of successful requests
  // (Occurrences), measured with CloudWatch's trimmed count TC(:threshold) over SampleCount; Timeslices stays
  // available in the types (see LatencyIndicator) but is not what the service promises.
  objectives: [
    {
      name: 'availability',
      description: 'Requests answered without a server-side failure (no 5xx, crash, timeout or throttle)',
      budgetingMethod: 'Occurrences',
      indicator: { kind: 'availability', badStatusFrom: 500 },
      target: 0.999,
    },
    {
      name: 'latency-p95',
      description: 'Successful responses answered in 80 ms or less: at least 95% of them',
      budgetingMethod: 'Occurrences',
      indicator: { kind: 'latency', thresholdMs: 80, statusClass: '2xx' },
      target: 0.95,
    },
    {
      name: 'latency-p50',
      description: 'Successful responses answered in 60 ms or less: at least half of them',
      budgetingMethod: 'Occurrences',
      indicator: { kind: 'latency', thresholdMs: 60, statusClass: '2xx' },
      // A 50% budget: the fastest this SLO can burn is 2x, so only alerts with a factor under 2 are kept.
      target: 0.5,
    },
  ],
  // Table 5-8 of the SRE Workbook; its factors (14.4, 6, 3, 1) are for 30 days, these budget shares give the
  // 28-day ones: 13.44, 5.6, 2.8 and 0.933.
  burnRateAlerts: [
    { severity: 'page', longWindow: '1h', shortWindow: '5m', budgetConsumed: 0.02 },
    { severity: 'page', longWindow: '6h', shortWindow: '30m', budgetConsumed: 0.05 },
    { severity: 'ticket', longWindow: '1d', shortWindow: '2h', budgetConsumed: 0.1 },
    { severity: 'ticket', longWindow: '3d', shortWindow: '6h', budgetConsumed: 0.1 },
  ],
};

/**
 * The percentile a latency objective holds to its threshold: the written one for Timeslices, 100 x target for
 * Occurrences ("95% of 2xx in <= 80 ms" is "p95 <= 80 ms"). k6 thresholds and the report's 28-day figures use it.
 */
export function latencyPercentile(slo: ServiceLevelObjective, indicator: LatencyIndicator): number {
  return slo.budgetingMethod === 'Timeslices' && indicator.percentile !== undefined
    ? indicator.percentile
    : Number((slo.target * 100).toFixed(9));
}
