import type { Household } from './domain.ts';
import { type LogRatioModel, predictKwh } from './log-ratio-model.ts';
import { createPredictor } from './predictor.ts';

/** The service's batch limit; parity runs in batches of this size through the service's own predictor code. */
const PARITY_BATCH = 100;

/**
 * Proves the ONNX export: runs every query through onnxruntime (via the predictor the service uses) and through
 * the trainer's float64 reference, and reports the largest disagreement in kWh and relative to the reference.
 */
export async function measureExportParity(
  onnxBytes: Uint8Array,
  model: LogRatioModel,
  queries: readonly Household[],
): Promise<{ maxAbsDiffKwh: number; maxRelativeDiff: number }> {
  const predictor = await createPredictor(onnxBytes, 'parity', model.scaling, 'the freshly exported model');
  let maxAbsDiffKwh = 0;
  let maxRelativeDiff = 0;
  for (let start = 0; start < queries.length; start += PARITY_BATCH) {
    const batch = queries.slice(start, start + PARITY_BATCH);
    const fromOnnx = await predictor.predict(batch);
    batch.forEach((household, row) => {
      predictKwh(model, household).forEach((reference, month) => {
        const diff = Math.abs((fromOnnx[row]?.[month] ?? Number.NaN) - reference);
        maxAbsDiffKwh = Math.max(maxAbsDiffKwh, diff);
        maxRelativeDiff = Math.max(maxRelativeDiff, diff / reference);
      });
    });
  }
  return { maxAbsDiffKwh, maxRelativeDiff };
}
