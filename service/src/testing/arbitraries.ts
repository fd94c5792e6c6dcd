import fc from 'fast-check';
import { AREAS, HOUSING_KINDS, LIMITS } from '../../../model/src/domain.ts';
import { SMALLEST_USABLE_KWH } from '../schema.ts';

/** Any household the contract accepts, across the whole domain, optional fields sometimes left out. */
export const validHousehold = fc.record(
  {
    area: fc.constantFrom(...AREAS),
    householdSize: fc.integer(LIMITS.householdSize),
    housing: fc.constantFrom(...HOUSING_KINDS),
    allElectric: fc.boolean(),
    knownUsage: fc.record({
      month: fc.integer(LIMITS.month),
      kwh: fc.oneof(
        fc.double({ min: 1, max: LIMITS.maxKwh, noNaN: true }),
        fc.double({ min: SMALLEST_USABLE_KWH, max: 1, noNaN: true }),
        fc.constantFrom(SMALLEST_USABLE_KWH, 1e-9, LIMITS.maxKwh),
      ),
    }),
  },
  { requiredKeys: ['area', 'householdSize', 'knownUsage'] },
);

/** A value for any field: sometimes right, often the wrong type, range or shape. */
const anyFieldValue = fc.oneof(
  fc.constantFrom(...AREAS, ...HOUSING_KINDS),
  fc.integer({ min: -5, max: 15 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string(),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A household with any field possibly replaced, removed or joined by a stranger. */
export const mutatedHousehold = fc
  .tuple(
    validHousehold,
    fc.dictionary(
      fc.constantFrom('area', 'householdSize', 'housing', 'allElectric', 'knownUsage', 'x'),
      anyFieldValue,
    ),
    fc.record({ month: anyFieldValue, kwh: anyFieldValue }, { requiredKeys: [] }),
  )
  .map(([household, overrides, usageOverrides]) => ({
    ...household,
    ...overrides,
    knownUsage: { ...household.knownUsage, ...usageOverrides },
  }));
