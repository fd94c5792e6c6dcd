import { describe, expect, it } from 'vitest';
import { SLO_DEFINITION } from '../../slo/src/definition.ts';
import { LAMBDA_NAMESPACE } from '../../slo/src/metric-sources.ts';
import { versionSources } from '../../slo/src/version-metrics.ts';
import { versionMetricSources } from './version-metric-sources.ts';

const target = { functionName: 'predictor', stage: 'dev', version: '7' };
const { namespace, aliasDimension, versionDimension } = SLO_DEFINITION.metrics;

describe('versionMetricSources', () => {
  it("reads through live by ExecutedVersion and the app's Version dimension: versionSources for the alias", () => {
    expect(versionMetricSources(SLO_DEFINITION, { ...target, via: 'live' })).toEqual(
      versionSources(SLO_DEFINITION, { ...target, viaAlias: 'live' }),
    );
  });

  it("reads the version's own qualifier by its Resource, and the app's series by Alias = the version", () => {
    const sources = versionMetricSources(SLO_DEFINITION, { ...target, via: 'version' });
    const direct = versionSources(SLO_DEFINITION, target);
    expect(Object.keys(sources)).toEqual(Object.keys(direct));
    const lambda = Object.values(sources).filter((ref) => ref.namespace === LAMBDA_NAMESPACE);
    const app = Object.values(sources).filter((ref) => ref.namespace === namespace);
    expect(lambda.length).toBeGreaterThan(0);
    expect(app.length).toBeGreaterThan(0);
    for (const ref of lambda)
      expect(ref.dimensions).toEqual({ FunctionName: 'predictor', Resource: 'predictor:7' });
    for (const ref of app) {
      expect(ref.dimensions[aliasDimension]).toBe('7');
      expect(ref.dimensions).not.toHaveProperty(versionDimension);
    }
    // Only the dimension moves: names and statistics stay those the AWS side queries.
    for (const [id, ref] of Object.entries(sources)) {
      expect([ref.metricName, ref.statistic]).toEqual([direct[id]?.metricName, direct[id]?.statistic]);
    }
  });
});
