/**
 * The service takes its metric names from the SLO definition (see service/src/observability.ts); what remains
 * to keep in step is how it classes a status, since the SLIs split latency and failures by that class.
 */
import { describe, expect, it } from 'vitest';
import { statusClassOf } from '../../service/src/observability.ts';
import { loadTestObjectives } from './load-test.ts';

describe('the service classes statuses the way the SLIs split them', () => {
  it('puts successes in 2xx, failures in 5xx and client errors in 4xx', () => {
    const { availability } = loadTestObjectives();
    expect(statusClassOf(200)).toBe('2xx');
    expect(statusClassOf(availability.badStatusFrom)).toBe('5xx');
    expect(statusClassOf(availability.badStatusFrom - 1)).toBe('4xx');
  });
});
