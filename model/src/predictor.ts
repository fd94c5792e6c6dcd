import type { Household } from './domain.ts';

/**
 * What the service needs of a trained model. Implemented by loadPredictor (model owner fills this in).
 */
export interface Predictor {
  /** The artifact's content hash, as written in its card. */
  readonly modelVersion: string;
  /** 12 predicted kWh per household, months 1..12 in order. */
  predict(households: readonly Household[]): Promise<number[][]>;
}
