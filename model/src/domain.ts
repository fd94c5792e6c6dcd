/**
 * The household the model reasons about: the one place that names the power areas, the housing kinds and the
 * limits of every input. The generator, the trainer, the feature encoder and the service's validator all read
 * these, so a new area or a wider limit is a change here only.
 */

/** Japan's ten general power-transmission areas (the former EPCO regions), north to south. */
export const AREAS = [
  'hokkaido',
  'tohoku',
  'tokyo',
  'chubu',
  'hokuriku',
  'kansai',
  'chugoku',
  'shikoku',
  'kyushu',
  'okinawa',
] as const;
export type Area = (typeof AREAS)[number];

export const HOUSING_KINDS = ['apartment', 'detached'] as const;
export type Housing = (typeof HOUSING_KINDS)[number];

export const MONTHS_PER_YEAR = 12;

/** Input limits, shared by the API validator and the data generator. */
export const LIMITS = {
  householdSize: { min: 1, max: 10 },
  month: { min: 1, max: MONTHS_PER_YEAR },
  /** kWh read off one monthly bill: strictly positive, at most this (a large all-electric house uses ~2,000). */
  maxKwh: 10_000,
} as const;

export const DEFAULTS = {
  housing: 'apartment',
  allElectric: false,
} as const satisfies { housing: Housing; allElectric: boolean };

/** One household as the model sees it, after defaults are applied. month is 1-12. */
export interface Household {
  area: Area;
  householdSize: number;
  housing: Housing;
  allElectric: boolean;
  knownUsage: { month: number; kwh: number };
}
