import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SLO_DEFINITION } from '../../slo/src/definition.ts';

/**
 * What every request leaves behind: one structured log line and, where a metrics sink is given and the request
 * was a POST /predict, one EMF `Latency` value published under the two dimension sets of the SLO definition:
 * [service, Stage, Alias, StatusClass] and [service, Stage, Version, StatusClass]. The SLO alarms are built on
 * exactly these names. Other routes (health checks, the OpenAPI document, 404s) emit no metric: they would
 * dilute the latency the SLO promises for predictions.
 */

// The SLO definition is the one source of these names: the burn-rate alarms and the report read the same ones.
export const {
  service: SERVICE_NAME,
  latencyMetric: LATENCY_METRIC,
  statusClassDimension: STATUS_CLASS_DIMENSION,
  stageDimension: STAGE_DIMENSION,
  aliasDimension: ALIAS_DIMENSION,
  versionDimension: VERSION_DIMENSION,
} = SLO_DEFINITION.metrics;

/** The one route whose latency the SLO covers. */
export const MEASURED_ROUTE = { method: 'POST', path: '/predict' } as const;

export type RequestRecord = {
  requestId: string;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  modelVersion: string;
  /** The qualifier the caller invoked the Lambda function with; absent off Lambda. */
  alias?: string;
};

/** The record of a request that started at `startedAt` (performance.now()) and has just been answered. */
export function requestRecordOf(fields: {
  requestId: string;
  alias: string | undefined;
  method: string;
  path: string;
  status: number;
  startedAt: number;
  modelVersion: string;
}): RequestRecord {
  const { alias, startedAt, ...rest } = fields;
  return {
    ...rest,
    ...(alias === undefined ? {} : { alias }),
    latencyMs: Math.round((performance.now() - startedAt) * 1000) / 1000,
  };
}

/** The slice of Powertools Logger the service uses, so tests can pass a recorder. */
export interface LogSink {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** The slice of Powertools Metrics the service uses. */
export interface MetricsSink {
  addDimensions(dimensions: Record<string, string>): unknown;
  addMetric(name: string, unit: typeof MetricUnit.Milliseconds, value: number): unknown;
  publishStoredMetrics(): unknown;
}

/** Where the metrics go and the dimensions fixed for this execution environment. */
export interface MetricsTarget {
  sink: MetricsSink;
  stage: string;
  functionVersion: string;
}

export interface Observer {
  requestCompleted(record: RequestRecord): void;
  unexpectedError(requestId: string, error: unknown): void;
  /** An invocation that was no HTTP request: the caller's fault, but worth a line to find the caller. */
  malformedEvent(requestId: string, error: unknown): void;
}

export function statusClassOf(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/**
 * Both dimension sets of a request carry the same Stage and StatusClass, and Powertools warns about every key
 * that two sets share, on every flush ("EMF key … is defined as both a dimension set and dimension set"), though
 * the values are equal by construction. That warning is expected; every other one goes to the log.
 */
const SHARED_DIMENSION_WARNING = /^EMF key "[^"]+" is defined as both a dimension set and dimension set;/;

type PowertoolsLogSink = LogSink & { debug(message: string, attributes: Record<string, unknown>): void };

/** Powertools Metrics for the service, its own warnings and errors going to the service's log. */
export function powertoolsMetrics(namespace: string, logger: PowertoolsLogSink): MetricsSink {
  const forward =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: unknown, ...details: unknown[]) => {
      if (level === 'warn' && SHARED_DIMENSION_WARNING.test(String(message))) return;
      logger[level](String(message), details.length > 0 ? { details } : {});
    };
  return new Metrics({
    namespace,
    serviceName: SERVICE_NAME,
    logger: {
      debug: forward('debug'),
      info: forward('info'),
      warn: forward('warn'),
      error: forward('error'),
    },
  });
}

/** The alias a request is counted under when the runtime named none (an unqualified invocation). */
export const UNQUALIFIED_ALIAS = '$LATEST';

/**
 * Metrics are published per request: on Lambda a request is an invocation, so each flush is one invocation's,
 * and nothing is awaited between adding the dimensions and publishing them.
 */
export function createObserver(logger: LogSink, metrics?: MetricsTarget): Observer {
  return {
    requestCompleted(record) {
      logger.info('request completed', record);
      if (!metrics || record.method !== MEASURED_ROUTE.method || record.path !== MEASURED_ROUTE.path) return;
      const statusClass = statusClassOf(record.status);
      const { sink, stage, functionVersion } = metrics;
      sink.addDimensions({
        [STAGE_DIMENSION]: stage,
        [ALIAS_DIMENSION]: record.alias ?? UNQUALIFIED_ALIAS,
        [STATUS_CLASS_DIMENSION]: statusClass,
      });
      sink.addDimensions({
        [STAGE_DIMENSION]: stage,
        [VERSION_DIMENSION]: functionVersion,
        [STATUS_CLASS_DIMENSION]: statusClass,
      });
      sink.addMetric(LATENCY_METRIC, MetricUnit.Milliseconds, record.latencyMs);
      sink.publishStoredMetrics();
    },
    unexpectedError(requestId, error) {
      logger.error('unexpected error', { requestId, error });
    },
    malformedEvent(requestId, error) {
      logger.warn('malformed event', { requestId, error });
    },
  };
}
