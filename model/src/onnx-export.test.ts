import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { AREAS, type Household, MONTHS_PER_YEAR } from './domain.ts';
import { encodeHousehold, FEATURE_COLUMNS, FEATURE_COUNT } from './features.ts';
import { predictLogRatios } from './log-ratio-model.ts';
import { exportOnnx } from './onnx-export.ts';
import { ONNX_NAMES } from './onnx-io.ts';
import { createRandom } from './random.ts';
import { handBuiltModel } from './testing-models.ts';

/** Every weight random, so a transposed or mis-sliced initializer cannot go unnoticed. */
const random = createRandom(99);
const model = handBuiltModel(
  Object.fromEntries(FEATURE_COLUMNS.map((column) => [column, () => random.normal() * 0.3])),
);

const households: Household[] = Array.from({ length: 60 }, (_, index) => ({
  area: AREAS[index % AREAS.length] ?? 'tokyo',
  householdSize: 1 + (index % 10),
  housing: index % 3 === 0 ? 'detached' : 'apartment',
  allElectric: index % 4 === 0,
  knownUsage: { month: 1 + (index % MONTHS_PER_YEAR), kwh: 0.7 + index / 40 },
}));

async function runOnnx(bytes: Uint8Array, batch: readonly Household[]): Promise<Float32Array> {
  const session = await InferenceSession.create(bytes);
  const features = new Float32Array(batch.length * FEATURE_COUNT);
  const knownMonth = new Float32Array(batch.length * MONTHS_PER_YEAR);
  batch.forEach((household, row) => {
    encodeHousehold(household, model.scaling, features, row * FEATURE_COUNT);
    knownMonth[row * MONTHS_PER_YEAR + household.knownUsage.month - 1] = 1;
  });
  const outputs = await session.run({
    [ONNX_NAMES.features]: new Tensor('float32', features, [batch.length, FEATURE_COUNT]),
    [ONNX_NAMES.knownMonth]: new Tensor('float32', knownMonth, [batch.length, MONTHS_PER_YEAR]),
  });
  expect(outputs[ONNX_NAMES.ratios]?.dims).toEqual([batch.length, MONTHS_PER_YEAR]);
  return outputs[ONNX_NAMES.ratios]?.data as Float32Array;
}

describe('exportOnnx', () => {
  it('declares the inputs and output the predictor feeds and reads', async () => {
    const session = await InferenceSession.create(exportOnnx(model));
    expect(session.inputNames).toEqual([ONNX_NAMES.features, ONNX_NAMES.knownMonth]);
    expect(session.outputNames).toEqual([ONNX_NAMES.ratios]);
  });

  it('computes the same ratios in onnxruntime as the float64 reference', async () => {
    const ratios = await runOnnx(exportOnnx(model), households);
    let maxRelativeDiff = 0;
    households.forEach((household, row) => {
      predictLogRatios(model, household).forEach((logRatio, month) => {
        const reference = Math.exp(logRatio);
        const diff = Math.abs((ratios[row * MONTHS_PER_YEAR + month] ?? Number.NaN) - reference) / reference;
        maxRelativeDiff = Math.max(maxRelativeDiff, diff);
      });
    });
    expect(maxRelativeDiff).toBeLessThan(1e-5);
  });

  it('returns exactly 1 for each household’s known month', async () => {
    const ratios = await runOnnx(exportOnnx(model), households);
    for (const [row, household] of households.entries()) {
      expect(ratios[row * MONTHS_PER_YEAR + household.knownUsage.month - 1]).toBe(1);
    }
  });

  it('is byte-identical for the same model', () => {
    expect(Buffer.from(exportOnnx(model)).equals(Buffer.from(exportOnnx(model)))).toBe(true);
  });
});
