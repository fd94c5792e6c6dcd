import { describe, expect, it } from 'vitest';
import { SLO_DEFINITION, type SloDefinition } from './definition.ts';
import { K6_SUCCESS_DURATION_METRIC, k6Thresholds, loadTestObjectives } from './load-test.ts';

describe('load-test gates derived from the SLO definition', () => {
  it('gives the runner the availability floor and every success-only latency objective', () => {
    expect(loadTestObjectives()).toEqual({
      availability: { name: 'availability', minGoodRatio: 0.999, badStatusFrom: 500 },
      latency: [
        { name: 'latency-p95', percentile: 95, thresholdMs: 80 },
        { name: 'latency-p50', percentile: 50, thresholdMs: 60 },
      ],
    });
  });

  it('gives k6 thresholds on successful durations and on 5xx-only failures', () => {
    expect(k6Thresholds()).toEqual({
      [K6_SUCCESS_DURATION_METRIC]: ['p(95)<=80', 'p(50)<=60'],
      http_req_failed: ['rate<=0.001'],
    });
  });

  it('follows an edit of the definition, so the numbers live in one place', () => {
    const stricter: SloDefinition = structuredClone(SLO_DEFINITION);
    const [availability, p95] = stricter.objectives;
    if (availability === undefined || p95?.indicator.kind !== 'latency') throw new Error('fixture changed');
    availability.target = 0.9995;
    p95.indicator.thresholdMs = 70;

    expect(k6Thresholds(stricter)).toEqual({
      [K6_SUCCESS_DURATION_METRIC]: ['p(95)<=70', 'p(50)<=60'],
      http_req_failed: ['rate<=0.0005'],
    });
  });

  it('refuses a definition without an availability objective', () => {
    const noAvailability = structuredClone(SLO_DEFINITION);
    noAvailability.objectives = noAvailability.objectives.slice(1);
    expect(() => loadTestObjectives(noAvailability)).toThrow('no availability objective');
  });
});
