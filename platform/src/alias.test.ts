import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../model/src/random.ts';
import {
  InvalidAliasUpdateError,
  pickVersion,
  promoteUpdate,
  rollBackUpdate,
  shiftUpdate,
  validateAliasUpdate,
} from './alias.ts';
import { type AliasState, type AliasUpdate, LIVE_ALIAS, RevisionConflictError } from './port.ts';
import { binomialTolerance, withinBinomialTolerance } from './testing/binomial.ts';

const alias = (overrides: Partial<AliasState> = {}): AliasState => ({
  name: LIVE_ALIAS,
  version: '1',
  weights: {},
  revisionId: 'rev-1',
  ...overrides,
});
const versions = ['1', '2', '3'];
const context = { current: alias(), versions };
const valid = (overrides: Partial<AliasUpdate> = {}): AliasUpdate => ({
  version: '1',
  weights: { '2': 0.1 },
  expectedRevisionId: 'rev-1',
  ...overrides,
});

describe('validateAliasUpdate', () => {
  it('accepts a shift, a promotion and a roll back planned from the current revision', () => {
    expect(() => validateAliasUpdate(valid(), context)).not.toThrow();
    expect(() => validateAliasUpdate(valid({ version: '2', weights: {} }), context)).not.toThrow();
    expect(() => validateAliasUpdate(valid({ weights: {} }), context)).not.toThrow();
  });

  it.each([
    { name: 'an unknown primary', update: valid({ version: '9' }), field: 'version', fix: /1, 2, 3/ },
    { name: 'an unknown additional version', update: valid({ weights: { '9': 0.1 } }), field: 'weights.9' },
    {
      name: 'a weight of 0',
      update: valid({ weights: { '2': 0 } }),
      field: 'weights.2',
      fix: /between 0 and 1/,
    },
    { name: 'a weight of 1', update: valid({ weights: { '2': 1 } }), field: 'weights.2', fix: /promote/ },
    { name: 'a negative weight', update: valid({ weights: { '2': -0.1 } }), field: 'weights.2' },
    { name: 'a string weight', update: valid({ weights: { '2': '0.1' as never } }), field: 'weights.2' },
    { name: 'a NaN weight', update: valid({ weights: { '2': Number.NaN } }), field: 'weights.2' },
    {
      name: 'two additional versions',
      update: valid({ weights: { '2': 0.1, '3': 0.1 } }),
      field: 'weights',
      fix: /at most one/,
    },
    { name: 'the primary as additional', update: valid({ weights: { '1': 0.1 } }), field: 'weights.1' },
    { name: 'weights not an object', update: valid({ weights: [] as never }), field: 'weights' },
    { name: 'no revision id', update: valid({ expectedRevisionId: '' }), field: 'expectedRevisionId' },
  ])('refuses $name, naming the field', ({ update, field, fix }) => {
    const error = (() => {
      try {
        validateAliasUpdate(update, context);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidAliasUpdateError);
    expect((error as InvalidAliasUpdateError).field).toBe(field);
    expect((error as Error).message).toContain(field);
    if (fix) expect((error as Error).message).toMatch(fix);
  });

  it('refuses a non-object update', () => {
    expect(() => validateAliasUpdate(null as never, context)).toThrow(InvalidAliasUpdateError);
  });

  it('says no version is published yet when there is none', () => {
    expect(() => validateAliasUpdate(valid(), { current: alias(), versions: [] })).toThrow(/none yet/);
  });

  it('refuses an update planned from another revision with RevisionConflictError', () => {
    const error = (() => {
      try {
        validateAliasUpdate(valid({ expectedRevisionId: 'rev-0' }), context);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RevisionConflictError);
    expect(error).toMatchObject({
      alias: LIVE_ALIAS,
      expectedRevisionId: 'rev-0',
      actualRevisionId: 'rev-1',
    });
  });
});

describe('pickVersion', () => {
  it('gives the primary everything when nothing is shifted', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (random) => {
        expect(pickVersion(alias(), random)).toBe('1');
      }),
    );
  });

  it('picks the additional version exactly below its weight', () => {
    const shifted = alias({ weights: { '2': 0.25 } });
    expect(pickVersion(shifted, 0)).toBe('2');
    expect(pickVersion(shifted, 0.2499)).toBe('2');
    expect(pickVersion(shifted, 0.25)).toBe('1');
    expect(pickVersion(shifted, 0.9999)).toBe('1');
  });

  it('refuses a random number outside [0, 1)', () => {
    expect(() => pickVersion(alias(), 1)).toThrow(RangeError);
    expect(() => pickVersion(alias(), -0.1)).toThrow(RangeError);
    expect(() => pickVersion(alias(), Number.NaN)).toThrow(RangeError);
  });

  it.each([0.01, 0.05, 0.1, 0.25, 0.5, 0.9])(
    'sends a weight of %f of 20,000 seeded requests to the candidate, within binomial tolerance',
    (weight) => {
      const n = 20_000;
      const random = createRandom(Math.round(weight * 1000));
      const shifted = alias({ weights: { '2': weight } });
      let candidate = 0;
      for (let i = 0; i < n; i++) if (pickVersion(shifted, random.uniform()) === '2') candidate++;
      expect(
        withinBinomialTolerance(candidate, n, weight),
        `${candidate}/${n} vs ${weight} ± ${binomialTolerance(n, weight)}`,
      ).toBe(true);
    },
  );

  it('holds any weight within binomial tolerance over any seed', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (weight, seed) => {
          const n = 4_000;
          const random = createRandom(seed);
          const shifted = alias({ weights: { '2': weight } });
          let candidate = 0;
          for (let i = 0; i < n; i++) if (pickVersion(shifted, random.uniform()) === '2') candidate++;
          return withinBinomialTolerance(candidate, n, weight);
        },
      ),
      { numRuns: 50, seed: 10 },
    );
  });

  it('the tolerance catches a sampler that is off by two percentage points', () => {
    // The check is not vacuous: at 20,000 draws, 12 % observed for a 10 % weight is far outside it.
    expect(withinBinomialTolerance(2_400, 20_000, 0.1)).toBe(false);
    expect(withinBinomialTolerance(2_000, 20_000, 0.1)).toBe(true);
  });
});

describe('release updates', () => {
  const current = alias({ revisionId: 'rev-7' });

  it('shift keeps the primary and weights the candidate, planned from the alias read', () => {
    expect(shiftUpdate(current, '2', 0.1)).toEqual({
      version: '1',
      weights: { '2': 0.1 },
      expectedRevisionId: 'rev-7',
    });
  });

  it('shift refuses the primary itself and a weight outside (0, 1)', () => {
    expect(() => shiftUpdate(current, '1', 0.1)).toThrow(InvalidAliasUpdateError);
    expect(() => shiftUpdate(current, '2', 1)).toThrow(/promote/);
    expect(() => shiftUpdate(current, '2', 0)).toThrow(InvalidAliasUpdateError);
  });

  it('promote makes the candidate the primary with no weights', () => {
    expect(promoteUpdate(alias({ weights: { '2': 0.5 }, revisionId: 'r' }), '2')).toEqual({
      version: '2',
      weights: {},
      expectedRevisionId: 'r',
    });
  });

  it('roll back keeps the primary and drops every weight', () => {
    expect(rollBackUpdate(alias({ weights: { '2': 0.5 }, revisionId: 'r' }))).toEqual({
      version: '1',
      weights: {},
      expectedRevisionId: 'r',
    });
  });

  it('each update passes validation against the alias it was planned from', () => {
    const shifted = alias({ weights: { '2': 0.5 } });
    for (const update of [
      shiftUpdate(current, '3', 0.2),
      promoteUpdate(current, '2'),
      rollBackUpdate(shifted),
    ]) {
      const from = update.expectedRevisionId === current.revisionId ? current : shifted;
      expect(() => validateAliasUpdate(update, { current: from, versions })).not.toThrow();
    }
  });
});
