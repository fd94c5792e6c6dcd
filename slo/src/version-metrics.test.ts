import { describe, expect, it } from 'vitest';
import { SLO_DEFINITION } from './definition.ts';
import { APP_STATUS_CLASSES } from './metric-sources.ts';
import { versionMetricQueries, versionSources } from './version-metrics.ts';

const CANDIDATE = { functionName: 'predictor-prod', stage: 'prod', version: '42', viaAlias: 'live' };

describe("one version's own figures", () => {
  it("gives Lambda's and the app's figures of the version, at the SLOs' percentiles and thresholds", () => {
    const sources = versionSources(SLO_DEFINITION, CANDIDATE);
    expect(
      Object.fromEntries(Object.entries(sources).map(([id, m]) => [id, `${m.metricName} ${m.statistic}`])),
    ).toEqual({
      invocations: 'Invocations Sum',
      errors: 'Errors Sum',
      throttles: 'Throttles Sum',
      spillover: 'ProvisionedConcurrencySpilloverInvocations Sum',
      successes: 'Latency SampleCount',
      clientErrors: 'Latency SampleCount',
      serverErrors: 'Latency SampleCount',
      durationP50: 'Duration p50',
      latencyP50: 'Latency p50',
      durationP95: 'Duration p95',
      latencyP95: 'Latency p95',
      within60ms: 'Latency TC(:60)',
      percentWithin60ms: 'Latency PR(:60)',
      within80ms: 'Latency TC(:80)',
      percentWithin80ms: 'Latency PR(:80)',
    });
    // Every status class the app answers with is counted: 2xx + 4xx + 5xx + Errors + Throttles is the
    // candidate's availability denominator, so a missing class would skew its bad ratio.
    const counted = [sources.successes, sources.clientErrors, sources.serverErrors].map((m) => m?.dimensions);
    expect(counted).toEqual(
      APP_STATUS_CLASSES.map((statusClass) => ({
        service: 'predictor',
        Stage: 'prod',
        Version: '42',
        StatusClass: statusClass,
      })),
    );
  });

  it('reads Lambda through the weighted alias by ExecutedVersion, or the version ARN when invoked directly', () => {
    expect(versionSources(SLO_DEFINITION, CANDIDATE).spillover?.dimensions).toEqual({
      FunctionName: 'predictor-prod',
      Resource: 'predictor-prod:live',
      ExecutedVersion: '42',
    });
    const direct = { functionName: 'predictor-prod', stage: 'prod', version: '42' };
    expect(versionSources(SLO_DEFINITION, direct).invocations?.dimensions).toEqual({
      FunctionName: 'predictor-prod',
      Resource: 'predictor-prod:42',
    });
  });

  it('builds GetMetricData queries with valid ids at the given period', () => {
    const queries = versionMetricQueries(SLO_DEFINITION, CANDIDATE, 60);
    expect(queries).toHaveLength(15);
    for (const query of queries) {
      expect(query.Id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
      expect(query.MetricStat?.Period).toBe(60);
    }
    expect(queries.find((q) => q.Id === 'within80ms')?.MetricStat?.Metric?.Dimensions).toContainEqual({
      Name: 'Version',
      Value: '42',
    });
  });
});
