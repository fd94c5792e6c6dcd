import { type Household, MONTHS_PER_YEAR } from './domain.ts';
import { encodeHousehold, FEATURE_COUNT, type FeatureScaling, knownMonthIndex } from './features.ts';

/**
 * The model: per known month k, a linear map from FEATURE_COLUMNS to the 12 log-ratios
 * ln(kWh_m / kWh_k). The known month's own log-ratio is subtracted out, so its prediction is the bill itself.
 * weights is row-major [FEATURE_COUNT][12 known months × 12 predicted months], the layout of the ONNX initializer.
 */
export interface LogRatioModel {
  scaling: FeatureScaling;
  weights: Float64Array;
}

export const OUTPUTS_PER_FEATURE = MONTHS_PER_YEAR * MONTHS_PER_YEAR;

/** ln(kWh_m / kWh_known) for m = 1..12 computed in float64: the trainer's reference for the ONNX export. */
export function predictLogRatios(model: LogRatioModel, household: Household): number[] {
  const features = new Float64Array(FEATURE_COUNT);
  encodeHousehold(household, model.scaling, features, 0);
  return logRatiosFromFeatures(model.weights, features, knownMonthIndex(household));
}

export function logRatiosFromFeatures(
  weights: Float64Array,
  features: Float64Array,
  known: number,
): number[] {
  const scores = new Array<number>(MONTHS_PER_YEAR).fill(0);
  for (let feature = 0; feature < features.length; feature++) {
    const value = features[feature] ?? 0;
    if (value === 0) continue;
    const row = feature * OUTPUTS_PER_FEATURE + known * MONTHS_PER_YEAR;
    for (let month = 0; month < MONTHS_PER_YEAR; month++) {
      scores[month] = (scores[month] ?? 0) + value * (weights[row + month] ?? 0);
    }
  }
  const knownScore = scores[known] ?? 0;
  return scores.map((score) => score - knownScore);
}

/** 12 kWh predictions: the known bill times exp(log-ratio). */
export function predictKwh(model: LogRatioModel, household: Household): number[] {
  return predictLogRatios(model, household).map((logRatio) => household.knownUsage.kwh * Math.exp(logRatio));
}
