/**
 * The SLIs read metrics the service writes. The definition cannot import the service (k6 loads it and must stay
 * dependency-free), so this contract test keeps the two spellings from drifting apart.
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS } from '../../service/src/config.ts';
import {
  LATENCY_METRIC,
  SERVICE_NAME,
  STATUS_CLASS_DIMENSION,
  statusClassOf,
} from '../../service/src/observability.ts';
import { SLO_DEFINITION } from './definition.ts';
import { loadTestObjectives } from './load-test.ts';

describe('the service emits the metrics the SLOs read', () => {
  it('uses the same namespace, service dimension, metric and status-class dimension', () => {
    expect(SLO_DEFINITION.metrics).toEqual({
      namespace: CONFIG_DEFAULTS.metricsNamespace,
      service: SERVICE_NAME,
      latencyMetric: LATENCY_METRIC,
      statusClassDimension: STATUS_CLASS_DIMENSION,
    });
  });

  it('classes statuses the way the SLIs split them: success-only latency is 2xx, failures are 5xx', () => {
    const { availability } = loadTestObjectives();
    expect(statusClassOf(200)).toBe('2xx');
    expect(statusClassOf(availability.badStatusFrom)).toBe('5xx');
    expect(statusClassOf(availability.badStatusFrom - 1)).toBe('4xx');
  });
});
