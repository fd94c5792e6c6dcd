/**
 * Request bodies for load tests: a seeded, realistic mix of households across every area, household size,
 * housing kind and month, with a share of batch requests. Dependency-free on purpose: k6 imports this file by
 * relative path, so it may import only other dependency-free modules (model's domain.ts and random.ts are). The
 * generator is model's mulberry32, so every run (k6 or Node) sends the same mix.
 */
import { AREAS, HOUSING_KINDS, type Household, LIMITS } from '../../model/src/domain.ts';
import { createRandom } from '../../model/src/random.ts';

export type PredictBody = Household | { instances: Household[] };

export interface CorpusOptions {
  /** Number of distinct bodies; requests cycle through them. */
  size: number;
  /** Share of bodies that are batch requests, 0..1. */
  batchShare: number;
  /** Largest batch drawn; batches hold 2..maxBatch instances. */
  maxBatch: number;
  seed: number;
}

/**
 * Most traffic is single predictions; a tenth are small batches (a page of households at a time). Batches stay
 * small because a big batch measures the model's throughput, not the per-request latency the SLO is about.
 */
export const DEFAULT_CORPUS: CorpusOptions = { size: 2_000, batchShare: 0.1, maxBatch: 10, seed: 20_260_601 };

/** Share of Japanese households by size 1..6+ (census-like), mass beyond 6 spread thinly up to the limit. */
const HOUSEHOLD_SIZE_WEIGHTS = [38, 28, 16, 12, 4, 2];
const ALL_ELECTRIC_SHARE = 0.15;
/** Monthly kWh of one person in a mild month; bills scale sub-linearly with people and rise in winter/summer. */
const BASE_KWH_PER_PERSON = 140;
const SEASONAL_FACTOR = [1.35, 1.3, 1.15, 0.95, 0.85, 0.9, 1.1, 1.25, 1.0, 0.9, 1.0, 1.2];

function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick: cannot pick from an empty list');
  return item;
}

function householdSize(random: () => number): number {
  const { min, max } = LIMITS.householdSize;
  const total = HOUSEHOLD_SIZE_WEIGHTS.reduce((sum, w) => sum + w, 0);
  let roll = random() * total;
  const tailIndex = HOUSEHOLD_SIZE_WEIGHTS.length - 1;
  for (const [index, weight] of HOUSEHOLD_SIZE_WEIGHTS.slice(0, tailIndex).entries()) {
    roll -= weight;
    if (roll < 0) return min + index;
  }
  // The last weight covers 6 and up: spread it over the rest of the allowed range.
  const tailStart = min + tailIndex;
  return tailStart + Math.floor(random() * (max - tailStart + 1));
}

export function randomHousehold(random: () => number): Household {
  const size = householdSize(random);
  const month = LIMITS.month.min + Math.floor(random() * (LIMITS.month.max - LIMITS.month.min + 1));
  const allElectric = random() < ALL_ELECTRIC_SHARE;
  const seasonal = SEASONAL_FACTOR[month - 1] ?? 1;
  const noise = 0.7 + random() * 0.6;
  const kwh = BASE_KWH_PER_PERSON * size ** 0.7 * seasonal * (allElectric ? 1.6 : 1) * noise;
  return {
    area: pick(AREAS, random),
    householdSize: size,
    housing: pick(HOUSING_KINDS, random),
    allElectric,
    knownUsage: { month, kwh: Math.min(LIMITS.maxKwh, Math.max(1, Math.round(kwh))) },
  };
}

export function buildCorpus(options: CorpusOptions = DEFAULT_CORPUS): PredictBody[] {
  if (!Number.isInteger(options.size) || options.size < 1) {
    throw new Error(`corpus size must be a positive integer, got ${options.size}`);
  }
  if (!(options.batchShare >= 0 && options.batchShare <= 1)) {
    throw new Error(`corpus batchShare must be between 0 and 1, got ${options.batchShare}`);
  }
  if (!Number.isInteger(options.maxBatch) || options.maxBatch < 2) {
    throw new Error(`corpus maxBatch must be an integer >= 2, got ${options.maxBatch}`);
  }
  const random = createRandom(options.seed).uniform;
  return Array.from({ length: options.size }, () => {
    if (random() >= options.batchShare) return randomHousehold(random);
    const count = 2 + Math.floor(random() * (options.maxBatch - 1));
    return { instances: Array.from({ length: count }, () => randomHousehold(random)) };
  });
}
