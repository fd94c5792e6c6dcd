import { describe, expect, it } from 'vitest';
import { platformSizeFor } from '../../../loadtest/src/local-platform-plan.ts';
import { rehearsalPlatformSize } from './platform-size.ts';

describe('rehearsalPlatformSize', () => {
  it.each([5, 20, 50, 200])(
    'at %i req/s gives live the load test’s pool and room for the candidate’s own beside it',
    (rate) => {
      const forTraffic = platformSizeFor(rate);
      const size = rehearsalPlatformSize(rate);
      expect(size.pc).toBe(forTraffic.provisionedEnvironments);
      // live's PC, the candidate's PC up to as much, and the load test's on-demand room on top.
      expect(size.maxConcurrency).toBe(forTraffic.maxConcurrency + size.pc);
      expect(size.maxConcurrency).toBeGreaterThan(2 * size.pc);
    },
  );
});
