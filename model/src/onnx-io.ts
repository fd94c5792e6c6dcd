import { type Household, MONTHS_PER_YEAR } from './domain.ts';
import { encodeHousehold, FEATURE_COUNT, type FeatureScaling, knownMonthIndex } from './features.ts';

/**
 * The ONNX graph's input and output: the contract between the exporter and the predictor. Kept apart from
 * onnx-export.ts so the service's bundle never pulls in onnx-proto/protobufjs, which only training needs.
 *
 * One input row is 12 blocks of FEATURE_COUNT values: the household's features sit in its known month's block
 * and every other block is zero. The model is one linear map per known month, so with this layout the whole
 * graph is MatMul then Exp. Two nodes instead of nine measured ~15-20 µs less per onnxruntime run.
 */
export const ONNX_NAMES = {
  input: 'features_by_known_month',
  ratios: 'ratios',
} as const;

export const INPUT_WIDTH = MONTHS_PER_YEAR * FEATURE_COUNT;

/** Writes the household's input row `row` into `input`; that row must be all zeros. */
export function encodeInputRow(
  household: Household,
  scaling: FeatureScaling,
  input: Float32Array,
  row: number,
): void {
  encodeHousehold(household, scaling, input, row * INPUT_WIDTH + knownMonthIndex(household) * FEATURE_COUNT);
}
