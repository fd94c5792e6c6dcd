import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SLO_DEFINITION } from '../../slo/src/definition.ts';

/**
 * What every request leaves behind: one structured log line and, where a metrics sink is given, one EMF
 * `Latency` sample with dimensions [service, StatusClass]. The SLO alarms are built on exactly these names.
 */

// The SLO definition is the one source of these names: the burn-rate alarms and the report read the same ones.
export const {
  service: SERVICE_NAME,
  latencyMetric: LATENCY_METRIC,
  statusClassDimension: STATUS_CLASS_DIMENSION,
} = SLO_DEFINITION.metrics;

export type RequestRecord = {
  requestId: string;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  modelVersion: string;
};

/** The slice of Powertools Logger the service uses, so tests can pass a recorder. */
export interface LogSink {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** The slice of Powertools Metrics the service uses. */
export interface MetricsSink {
  addDimension(name: string, value: string): unknown;
  addMetric(name: string, unit: typeof MetricUnit.Milliseconds, value: number): unknown;
  publishStoredMetrics(): unknown;
}

export interface Observer {
  requestCompleted(record: RequestRecord): void;
  unexpectedError(requestId: string, error: unknown): void;
}

export function statusClassOf(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/** Metrics are published per request: on Lambda a request is an invocation, so each flush is one invocation's. */
export function createObserver(logger: LogSink, metrics?: MetricsSink): Observer {
  return {
    requestCompleted(record) {
      logger.info('request completed', record);
      if (!metrics) return;
      metrics.addDimension(STATUS_CLASS_DIMENSION, statusClassOf(record.status));
      metrics.addMetric(LATENCY_METRIC, MetricUnit.Milliseconds, record.latencyMs);
      metrics.publishStoredMetrics();
    },
    unexpectedError(requestId, error) {
      logger.error('unexpected error', { requestId, error });
    },
  };
}
