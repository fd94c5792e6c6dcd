import { AREAS, MONTHS_PER_YEAR } from './domain.ts';
import { CATEGORICAL_COUNT, FEATURE_COLUMNS, FEATURE_COUNT, type FeatureScaling } from './features.ts';
import { type LogRatioModel, OUTPUTS_PER_FEATURE } from './log-ratio-model.ts';

/**
 * Hand-built models for tests: every kind's typical bill is 1 kWh (expected ln kWh = 0), every residual is clamped
 * to ±0.5, and weights are set by column name, so a test states exactly the behaviour it checks.
 */
export function handBuiltModel(
  weightsByColumn: Record<string, (known: number, month: number) => number>,
  bound = 0.5,
): LogRatioModel {
  const scaling: FeatureScaling = {
    expectedLnKwh: Array.from({ length: MONTHS_PER_YEAR }, () =>
      new Array<number>(CATEGORICAL_COUNT).fill(0),
    ),
    residualBounds: Object.fromEntries(
      AREAS.map((area) => [
        area,
        { mixedFuel: { min: -bound, max: bound }, allElectric: { min: -bound, max: bound } },
      ]),
    ) as FeatureScaling['residualBounds'],
    residualKnots: [-0.1, 0, 0.1],
  };
  const weights = new Float64Array(FEATURE_COUNT * OUTPUTS_PER_FEATURE);
  for (const [column, weightOf] of Object.entries(weightsByColumn)) {
    const feature = FEATURE_COLUMNS.indexOf(column);
    if (feature < 0) throw new Error(`no feature column "${column}"`);
    for (let known = 0; known < MONTHS_PER_YEAR; known++) {
      for (let month = 0; month < MONTHS_PER_YEAR; month++) {
        weights[feature * OUTPUTS_PER_FEATURE + known * MONTHS_PER_YEAR + month] = weightOf(known, month);
      }
    }
  }
  return { scaling, weights };
}

/** A model that respects every domain fact: Hokkaido's January and Okinawa's August sit 0.5 (in ln) higher. */
export const SEASONAL_WEIGHTS = {
  'area=hokkaido': (_known: number, month: number) => (month === 0 ? 0.5 : 0),
  'area=okinawa': (_known: number, month: number) => (month === 7 ? 0.5 : 0),
};
