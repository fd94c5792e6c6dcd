import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { AREAS, type Household, MONTHS_PER_YEAR } from './domain.ts';
import { encodeHousehold, FEATURE_COLUMNS, FEATURE_COUNT } from './features.ts';
import { predictLogRatios } from './log-ratio-model.ts';
import { exportOnnx } from './onnx-export.ts';
import { encodeInputRow, INPUT_WIDTH, ONNX_NAMES } from './onnx-io.ts';
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
  const input = new Float32Array(batch.length * INPUT_WIDTH);
  batch.forEach((household, row) => {
    encodeInputRow(household, model.scaling, input, row);
  });
  const outputs = await session.run({
    [ONNX_NAMES.input]: new Tensor('float32', input, [batch.length, INPUT_WIDTH]),
  });
  expect(outputs[ONNX_NAMES.ratios]?.dims).toEqual([batch.length, MONTHS_PER_YEAR]);
  return outputs[ONNX_NAMES.ratios]?.data as Float32Array;
}

describe('exportOnnx', () => {
  it('declares the inputs and output the predictor feeds and reads', async () => {
    const session = await InferenceSession.create(exportOnnx(model));
    expect(session.inputNames).toEqual([ONNX_NAMES.input]);
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

  it('places the features in the known month’s block and nothing anywhere else', () => {
    const household = households[7] as Household;
    const input = new Float32Array(2 * INPUT_WIDTH);
    encodeInputRow(household, model.scaling, input, 1);
    const features = new Float32Array(FEATURE_COUNT);
    encodeHousehold(household, model.scaling, features, 0);
    const blockStart = INPUT_WIDTH + (household.knownUsage.month - 1) * FEATURE_COUNT;
    const expected = new Float32Array(2 * INPUT_WIDTH);
    expected.set(features, blockStart);
    expect(input).toEqual(expected);
  });

  it('is byte-identical for the same model', () => {
    expect(Buffer.from(exportOnnx(model)).equals(Buffer.from(exportOnnx(model)))).toBe(true);
  });
});
