import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACT_FILES, contentVersion } from './card.ts';
import { AREAS, HOUSING_KINDS, type Household, LIMITS } from './domain.ts';
import { loadPredictor, type Predictor } from './predictor.ts';

const COMMITTED = resolve(import.meta.dirname, '..', 'artifacts');
const MODEL_PATH = join(COMMITTED, ARTIFACT_FILES.model);
const CARD_PATH = join(COMMITTED, ARTIFACT_FILES.card);

const household = (overrides: Partial<Household> = {}): Household => ({
  area: 'tokyo',
  householdSize: 3,
  housing: 'apartment',
  allElectric: false,
  knownUsage: { month: 4, kwh: 300 },
  ...overrides,
});

const anyHousehold = fc.record({
  area: fc.constantFrom(...AREAS),
  householdSize: fc.integer({ min: LIMITS.householdSize.min, max: LIMITS.householdSize.max }),
  housing: fc.constantFrom(...HOUSING_KINDS),
  allElectric: fc.boolean(),
  knownUsage: fc.record({
    month: fc.integer({ min: LIMITS.month.min, max: LIMITS.month.max }),
    kwh: fc.oneof(
      fc.constantFrom(1e-9, LIMITS.maxKwh),
      fc.double({ min: 1e-9, max: LIMITS.maxKwh, noNaN: true }),
      fc.double({ min: 20, max: 2_000, noNaN: true }),
    ),
  }),
});

let predictor: Predictor;
beforeAll(async () => {
  predictor = await loadPredictor(COMMITTED);
});

const predictOne = async (input: Household): Promise<number[]> => {
  const [months] = await predictor.predict([input]);
  if (!months) throw new Error('no prediction returned');
  return months;
};

describe('loadPredictor on the committed artifact', () => {
  it('reports the card’s version, which is the content hash of model.onnx', async () => {
    const card = JSON.parse(await readFile(CARD_PATH, 'utf8'));
    expect(predictor.modelVersion).toBe(card.version);
    expect(predictor.modelVersion).toBe(contentVersion(await readFile(MODEL_PATH)));
  });

  it('predicts a whole batch of 100 in one call, 12 months each, in input order', async () => {
    const batch = Array.from({ length: 100 }, (_, index) =>
      household({ knownUsage: { month: 1 + (index % 12), kwh: 100 + index } }),
    );
    const predictions = await predictor.predict(batch);
    expect(predictions).toHaveLength(100);
    predictions.forEach((months, index) => {
      expect(months).toHaveLength(12);
      expect(months[index % 12]).toBe(100 + index);
    });
  });

  it('answers single households asked for at once each with their own months, as when asked one by one', async () => {
    const inputs = Array.from({ length: 6 }, (_, index) =>
      household({
        area: AREAS[index % AREAS.length],
        knownUsage: { month: 1 + index, kwh: 100 * (index + 1) },
      }),
    );
    const oneByOne: number[][] = [];
    for (const input of inputs) oneByOne.push(await predictOne(input));
    expect(await Promise.all(inputs.map(predictOne))).toEqual(oneByOne);
  });

  it('answers the next single household right after one the model refused', async () => {
    await expect(predictOne(household({ householdSize: 0 }))).rejects.toThrow(/householdSize/);
    const months = await predictOne(household({ knownUsage: { month: 2, kwh: 250 } }));
    expect(months[1]).toBe(250);
    expect(months.filter((kwh) => kwh === 250)).toHaveLength(1);
  });

  it('returns an empty list for an empty batch', async () => {
    expect(await predictor.predict([])).toEqual([]);
  });

  it.each([
    { kwh: 0, error: /knownUsage.kwh must be a finite number > 0, got 0/ },
    { kwh: Number.NaN, error: /knownUsage.kwh must be a finite number > 0, got NaN/ },
    { kwh: -5, error: /knownUsage.kwh must be a finite number > 0, got -5/ },
  ])('refuses a bill of $kwh kWh', async ({ kwh, error }) => {
    await expect(predictor.predict([household({ knownUsage: { month: 1, kwh } })])).rejects.toThrow(error);
  });

  it.each([0, 11, 2.5])('refuses a household of %s persons', async (householdSize) => {
    await expect(predictor.predict([household({ householdSize })])).rejects.toThrow(
      `householdSize must be an integer 1-10, got ${householdSize} (household 0)`,
    );
  });

  it('refuses month 13', async () => {
    await expect(predictor.predict([household({ knownUsage: { month: 13, kwh: 1 } })])).rejects.toThrow(
      /knownUsage.month must be an integer 1-12, got 13/,
    );
  });
});

describe('predictions for any valid household', () => {
  it('are 12 finite kWh above 0, with the known month returned as given', async () => {
    await fc.assert(
      fc.asyncProperty(anyHousehold, async (input) => {
        const months = await predictOne(input);
        expect(months).toHaveLength(12);
        expect(months.every((kwh) => Number.isFinite(kwh) && kwh > 0)).toBe(true);
        expect(months[input.knownUsage.month - 1]).toBe(input.knownUsage.kwh);
      }),
      { numRuns: 500 },
    );
  });

  it('put Hokkaido’s January above its August and Okinawa’s August above its January', async () => {
    await fc.assert(
      fc.asyncProperty(anyHousehold, fc.constantFrom('hokkaido', 'okinawa'), async (input, area) => {
        const months = await predictOne({ ...input, area });
        const [january, august] = [months[0] ?? 0, months[7] ?? 0];
        if (area === 'hokkaido') expect(january).toBeGreaterThan(august);
        else expect(august).toBeGreaterThan(january);
      }),
      { numRuns: 500 },
    );
  });

  it('never give fewer kWh for any month when the known bill is larger', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyHousehold,
        fc.double({ min: 1e-9, max: LIMITS.maxKwh, noNaN: true }),
        async (input, other) => {
          const [low, high] = [Math.min(input.knownUsage.kwh, other), Math.max(input.knownUsage.kwh, other)];
          const [fromLow, fromHigh] = await predictor.predict([
            { ...input, knownUsage: { ...input.knownUsage, kwh: low } },
            { ...input, knownUsage: { ...input.knownUsage, kwh: high } },
          ]);
          fromLow?.forEach((kwh, month) => {
            expect(fromHigh?.[month]).toBeGreaterThanOrEqual(kwh);
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each(AREAS)('stay finite and exact in the known month at both input extremes in %s', async (area) => {
    for (const kwh of [1e-9, LIMITS.maxKwh]) {
      for (let month = 1; month <= 12; month++) {
        const months = await predictOne(household({ area, allElectric: true, knownUsage: { month, kwh } }));
        expect(months.every((value) => Number.isFinite(value) && value > 0)).toBe(true);
        expect(months[month - 1]).toBe(kwh);
      }
    }
  });
});

describe('loadPredictor on a broken artifact', () => {
  let dir: string;

  /** A fresh copy of the committed artifact that a test may break. */
  async function copyOfArtifact(): Promise<{ modelPath: string; cardPath: string }> {
    dir = await mkdtemp(join(tmpdir(), 'shiftgate-artifact-'));
    const modelPath = join(dir, ARTIFACT_FILES.model);
    const cardPath = join(dir, ARTIFACT_FILES.card);
    await Promise.all([copyFile(MODEL_PATH, modelPath), copyFile(CARD_PATH, cardPath)]);
    return { modelPath, cardPath };
  }

  async function editCard(cardPath: string, edit: (card: Record<string, unknown>) => void): Promise<void> {
    const card = JSON.parse(await readFile(cardPath, 'utf8'));
    edit(card);
    await writeFile(cardPath, JSON.stringify(card));
  }

  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('names the missing model file', async () => {
    const { modelPath } = await copyOfArtifact();
    await rm(modelPath);
    await expect(loadPredictor(dir)).rejects.toThrow(`cannot read model artifact ${modelPath}`);
  });

  it('names the missing card', async () => {
    const { cardPath } = await copyOfArtifact();
    await rm(cardPath);
    await expect(loadPredictor(dir)).rejects.toThrow(`cannot read model artifact ${cardPath}`);
  });

  it('names a card that is not JSON', async () => {
    const { cardPath } = await copyOfArtifact();
    await writeFile(cardPath, '{ "version": ');
    await expect(loadPredictor(dir)).rejects.toThrow(`model card ${cardPath} is not valid JSON`);
  });

  it('names a card that lacks the feature schema, and says which field', async () => {
    const { cardPath } = await copyOfArtifact();
    await editCard(cardPath, (card) => {
      delete card.featureSchema;
    });
    await expect(loadPredictor(dir)).rejects.toThrow(
      new RegExp(`model card ${cardPath} is invalid: featureSchema`),
    );
  });

  it('names a card whose columns differ from this code’s encoder', async () => {
    const { cardPath } = await copyOfArtifact();
    await editCard(cardPath, (card) => {
      (card.featureSchema as { columns: string[] }).columns.reverse();
    });
    await expect(loadPredictor(dir)).rejects.toThrow(`model card ${cardPath} lists`);
  });

  it('names a model whose hash is not the card’s version', async () => {
    const { modelPath, cardPath } = await copyOfArtifact();
    const bytes = await readFile(modelPath);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await writeFile(modelPath, bytes);
    await expect(loadPredictor(dir)).rejects.toThrow(
      new RegExp(`model artifact ${modelPath} has content hash [0-9a-f]{12} but ${cardPath} says version`),
    );
  });

  it('names a model file that onnxruntime rejects', async () => {
    const { modelPath, cardPath } = await copyOfArtifact();
    const garbage = Buffer.from('this is not an ONNX model');
    await writeFile(modelPath, garbage);
    await editCard(cardPath, (card) => {
      card.version = contentVersion(garbage);
    });
    await expect(loadPredictor(dir)).rejects.toThrow(`onnxruntime rejected model artifact ${modelPath}`);
  });
});
