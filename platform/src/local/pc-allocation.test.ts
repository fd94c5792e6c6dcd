import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AliasState, LIVE_ALIAS } from '../port.ts';
import { provisionedPerVersion } from './pc-allocation.ts';

const alias = (weights: Record<string, number> = {}, version = '1'): AliasState => ({
  name: LIVE_ALIAS,
  version,
  weights,
  revisionId: 'r',
});
const onAlias = (requested: number) => ({ qualifier: LIVE_ALIAS, requested });

describe('provisionedPerVersion', () => {
  it('gives all of the alias PC to its primary when nothing is shifted', () => {
    expect(provisionedPerVersion({ configs: [onAlias(4)], alias: alias() })).toEqual({ '1': 4 });
  });

  it('splits the alias PC by weight, rounding to nearest', () => {
    expect(provisionedPerVersion({ configs: [onAlias(10)], alias: alias({ '2': 0.3 }) })).toEqual({
      '1': 7,
      '2': 3,
    });
    expect(provisionedPerVersion({ configs: [onAlias(10)], alias: alias({ '2': 0.26 }) })).toEqual({
      '1': 7,
      '2': 3,
    });
    expect(provisionedPerVersion({ configs: [onAlias(10)], alias: alias({ '2': 0.24 }) })).toEqual({
      '1': 8,
      '2': 2,
    });
    expect(provisionedPerVersion({ configs: [onAlias(3)], alias: alias({ '2': 0.5 }) })).toEqual({
      '1': 2,
      '2': 1,
    });
  });

  it('gives a weighted version at least one environment once two are requested', () => {
    expect(provisionedPerVersion({ configs: [onAlias(4)], alias: alias({ '2': 0.01 }) })).toEqual({
      '1': 3,
      '2': 1,
    });
    expect(provisionedPerVersion({ configs: [onAlias(2)], alias: alias({ '2': 0.99 }) })).toEqual({
      '1': 1,
      '2': 1,
    });
    expect(provisionedPerVersion({ configs: [onAlias(1)], alias: alias({ '2': 0.01 }) })).toEqual({ '1': 1 });
  });

  it('gives PC on a version qualifier to that version, added to its share of the alias', () => {
    const configs = [onAlias(4), { qualifier: '2', requested: 3 }];
    expect(provisionedPerVersion({ configs, alias: alias({ '2': 0.25 }) })).toEqual({ '1': 3, '2': 4 });
    expect(provisionedPerVersion({ configs: [{ qualifier: '5', requested: 2 }], alias: alias() })).toEqual({
      '5': 2,
    });
  });

  it('is nothing for no configs or zero requested', () => {
    expect(provisionedPerVersion({ configs: [], alias: alias() })).toEqual({});
    expect(provisionedPerVersion({ configs: [onAlias(0)], alias: alias({ '2': 0.5 }) })).toEqual({});
  });

  it('refuses a fractional or negative request and an unknown qualifier', () => {
    expect(() => provisionedPerVersion({ configs: [onAlias(1.5)], alias: alias() })).toThrow(
      /1.5 is not a whole/,
    );
    expect(() => provisionedPerVersion({ configs: [onAlias(-1)], alias: alias() })).toThrow(/-1/);
    expect(() =>
      provisionedPerVersion({ configs: [{ qualifier: 'beta', requested: 1 }], alias: alias() }),
    ).toThrow(/beta is neither the alias live nor a version number/);
  });

  it('always sums to the request, stays within one environment of the exact share, and never starves a weighted version', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        (requested, weight) => {
          const split = provisionedPerVersion({
            configs: [onAlias(requested)],
            alias: alias({ '2': weight }),
          });
          const primary = split['1'] ?? 0;
          const candidate = split['2'] ?? 0;
          expect(primary + candidate).toBe(requested);
          expect(Math.abs(candidate - requested * weight)).toBeLessThanOrEqual(1);
          expect(Math.abs(primary - requested * (1 - weight))).toBeLessThanOrEqual(1);
          if (requested >= 2) {
            expect(primary).toBeGreaterThanOrEqual(1);
            expect(candidate).toBeGreaterThanOrEqual(1);
          }
        },
      ),
    );
  });
});
