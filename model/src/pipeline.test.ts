import { beforeAll, describe, expect, it } from 'vitest';
import { contentVersion } from './card.ts';
import { AREAS } from './domain.ts';
import { findDomainViolations } from './domain-checks.ts';
import { FEATURE_COLUMNS } from './features.ts';
import { generateHouseholdYears } from './generator.ts';
import { powerOfTenAbove, runTraining, splitByHousehold, type TrainingResult } from './pipeline.ts';

// A small seeded run keeps the suite quick; `npm run train` does the full-size one.
const SMALL = { seed: 7, householdYears: 3_000 };
let result: TrainingResult;

beforeAll(async () => {
  result = await runTraining(SMALL);
});

describe('runTraining', () => {
  it('beats both baselines on held-out MAPE, overall and in most areas', () => {
    const { model, flat, coefficients } = result.card.metrics.heldOutMape;
    expect(model.overall).toBeLessThan(coefficients.overall * 0.9);
    expect(coefficients.overall).toBeLessThan(flat.overall);
    const areasWon = AREAS.filter((area) => model.byArea[area] < coefficients.byArea[area]);
    expect(areasWon.length).toBeGreaterThanOrEqual(AREAS.length - 1);
  });

  it('proves the export: onnxruntime agrees with the trainer to float32 precision', () => {
    expect(result.parity.maxRelativeDiff).toBeLessThan(1e-5);
    expect(result.card.metrics.exportParity.maxAbsDiffKwhBelow).toBeGreaterThan(result.parity.maxAbsDiffKwh);
  });

  it('ships a model that respects every domain fact', () => {
    expect(findDomainViolations(result.model)).toEqual([]);
  });

  it('writes a card whose version is the model’s content hash and whose schema is the encoder’s', () => {
    expect(result.card.version).toBe(contentVersion(result.onnxBytes));
    expect(result.card.featureSchema.columns).toEqual(FEATURE_COLUMNS);
    expect(result.card.training).toMatchObject({
      seed: SMALL.seed,
      householdYears: SMALL.householdYears,
      trainHouseholdYears: 2_400,
      heldOutHouseholdYears: 600,
    });
  });

  it('reproduces byte-identical model and card from the same seed', async () => {
    const again = await runTraining(SMALL);
    expect(Buffer.from(again.onnxBytes).equals(Buffer.from(result.onnxBytes))).toBe(true);
    expect(again.card).toEqual(result.card);
  });
});

describe('splitByHousehold', () => {
  it('holds out every fifth household and never puts one household in both sets', () => {
    const { train, heldOut } = splitByHousehold(generateHouseholdYears(1, 100));
    expect(heldOut.map((year) => year.id)).toEqual(Array.from({ length: 20 }, (_, index) => index * 5));
    expect(train).toHaveLength(80);
    expect(train.some((year) => year.id % 5 === 0)).toBe(false);
  });
});

describe('powerOfTenAbove', () => {
  it.each([
    [4.2e-4, 1e-3],
    [1e-3, 1e-2],
    [0.0999, 0.1],
    [7, 10],
  ])('bounds %d by %d', (value, bound) => {
    expect(powerOfTenAbove(value)).toBeCloseTo(bound, 12);
  });
});
