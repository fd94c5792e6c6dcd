import type { Household } from '../../../model/src/domain.ts';
import type { Predictor } from '../../../model/src/predictor.ts';

/** A seasonal shape scaled so the known month matches its bill: enough for HTTP-layer tests, no artifact needed. */
const SHAPE = [1.4, 1.35, 1.15, 0.9, 0.8, 0.85, 1.05, 1.2, 0.95, 0.85, 0.95, 1.25];

export function fakePredictor(overrides: Partial<Predictor> = {}): Predictor & { calls: Household[][] } {
  const calls: Household[][] = [];
  return {
    modelVersion: 'fake-0000',
    calls,
    async predict(households) {
      calls.push([...households]);
      return households.map(({ knownUsage }) => {
        const scale = knownUsage.kwh / (SHAPE[knownUsage.month - 1] ?? 1);
        return SHAPE.map((weight) => weight * scale);
      });
    },
    ...overrides,
  };
}
