import { MONTHS_PER_YEAR } from './domain.ts';
import {
  CATEGORICAL_COUNT,
  encodeCategorical,
  encodeHousehold,
  FEATURE_COLUMNS,
  FEATURE_COUNT,
  type FeatureScaling,
  residualScaling,
  type TrainingResidual,
} from './features.ts';
import { asQuery, type HouseholdYear } from './generator.ts';
import { type LogRatioModel, OUTPUTS_PER_FEATURE } from './log-ratio-model.ts';
import { RidgeAccumulator } from './ridge.ts';

/**
 * Two ridge regressions, both closed-form and deterministic, one solve per known month each:
 *  1. the typical ln(kWh) of a month's bill from the household's kind (feeds the encoder's residual level);
 *  2. the 12 log-ratios ln(kWh_m / kWh_known) from the full features.
 * Every training household-year contributes one row per known month (each of its bills is the known one in turn).
 */

export interface TrainingOptions {
  /** L2 penalty added to the diagonal of XᵀX for the household-kind columns; small next to the rows. */
  ridgePenalty: number;
  /**
   * Penalty for the bill-level columns. Shrinking them pulls sparse kinds (a one-person all-electric flat in
   * Hokkaido) toward proportional scaling rather than toward a noisy slope that could make more kWh in give
   * fewer out.
   */
  levelPenalty: number;
}

export const DEFAULT_TRAINING_OPTIONS: TrainingOptions = { ridgePenalty: 1, levelPenalty: 100 };

export function trainLogRatioModel(
  train: readonly HouseholdYear[],
  options: TrainingOptions = DEFAULT_TRAINING_OPTIONS,
): LogRatioModel {
  if (train.length <= FEATURE_COUNT) {
    throw new Error(`need more than ${FEATURE_COUNT} training households, got ${train.length}`);
  }
  const scaling = fitFeatureScaling(train, options.ridgePenalty);
  const penalties = FEATURE_COLUMNS.map((_, column) =>
    column < CATEGORICAL_COUNT ? options.ridgePenalty : options.levelPenalty,
  );
  const weights = new Float64Array(FEATURE_COUNT * OUTPUTS_PER_FEATURE);
  const features = new Float64Array(FEATURE_COUNT);
  for (let known = 0; known < MONTHS_PER_YEAR; known++) {
    const ridge = new RidgeAccumulator(FEATURE_COUNT, MONTHS_PER_YEAR);
    for (const year of train) {
      encodeHousehold(asQuery(year, known), scaling, features, 0);
      const lnKnown = Math.log(year.monthlyKwh[known] ?? Number.NaN);
      ridge.add(
        features,
        year.monthlyKwh.map((kwh) => Math.log(kwh) - lnKnown),
      );
    }
    const block = ridge.solve(penalties, `log-ratios given known month ${known + 1}`);
    for (let feature = 0; feature < FEATURE_COUNT; feature++) {
      for (let month = 0; month < MONTHS_PER_YEAR; month++) {
        weights[feature * OUTPUTS_PER_FEATURE + known * MONTHS_PER_YEAR + month] = block.get(feature, month);
      }
    }
  }
  return { scaling, weights };
}

function fitFeatureScaling(train: readonly HouseholdYear[], penalty: number): FeatureScaling {
  const categorical = train.map((year) => encodeCategorical(asQuery(year, 0)));
  const expected: number[][] = [];
  const residuals: TrainingResidual[] = [];
  for (let known = 0; known < MONTHS_PER_YEAR; known++) {
    const ridge = new RidgeAccumulator(CATEGORICAL_COUNT, 1);
    const lnKwh = train.map((year) => Math.log(year.monthlyKwh[known] ?? Number.NaN));
    train.forEach((_, index) => {
      ridge.add(categorical[index] ?? [], [lnKwh[index] ?? Number.NaN]);
    });
    const coefficients = ridge.solve(penalty, `typical ln(kWh) of month ${known + 1}`).getColumn(0);
    expected.push(coefficients);
    train.forEach((_, index) => {
      const row = categorical[index] ?? [];
      const fitted = row.reduce((sum, value, column) => sum + value * (coefficients[column] ?? 0), 0);
      const year = train[index];
      if (year)
        residuals.push({
          area: year.area,
          allElectric: year.allElectric,
          residual: (lnKwh[index] ?? 0) - fitted,
        });
    });
  }
  return residualScaling(expected, residuals);
}
