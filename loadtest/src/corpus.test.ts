import { describe, expect, it } from 'vitest';
import { AREAS, HOUSING_KINDS, type Household, LIMITS } from '../../model/src/domain.ts';
import { buildCorpus, DEFAULT_CORPUS } from './corpus.ts';

const households = (corpus: ReturnType<typeof buildCorpus>): Household[] =>
  corpus.flatMap((body) => ('instances' in body ? body.instances : [body]));

describe('buildCorpus', () => {
  const corpus = buildCorpus();
  const all = households(corpus);

  it('covers every area, housing kind, household size and month', () => {
    expect(new Set(all.map((h) => h.area))).toEqual(new Set(AREAS));
    expect(new Set(all.map((h) => h.housing))).toEqual(new Set(HOUSING_KINDS));
    const sizes = new Set(all.map((h) => h.householdSize));
    for (let size = LIMITS.householdSize.min; size <= LIMITS.householdSize.max; size++)
      expect(sizes).toContain(size);
    const months = new Set(all.map((h) => h.knownUsage.month));
    for (let month = LIMITS.month.min; month <= LIMITS.month.max; month++) expect(months).toContain(month);
  });

  it('keeps every input within the domain limits', () => {
    for (const h of all) {
      expect(h.householdSize).toBeGreaterThanOrEqual(LIMITS.householdSize.min);
      expect(h.householdSize).toBeLessThanOrEqual(LIMITS.householdSize.max);
      expect(h.knownUsage.kwh).toBeGreaterThan(0);
      expect(h.knownUsage.kwh).toBeLessThanOrEqual(LIMITS.maxKwh);
      expect(Number.isInteger(h.knownUsage.month)).toBe(true);
    }
  });

  it('holds about the configured share of batch requests, each of 2..maxBatch instances', () => {
    const batches = corpus.filter((body) => 'instances' in body);
    expect(batches.length / corpus.length).toBeCloseTo(DEFAULT_CORPUS.batchShare, 1);
    for (const batch of batches) {
      expect(batch.instances.length).toBeGreaterThanOrEqual(2);
      expect(batch.instances.length).toBeLessThanOrEqual(DEFAULT_CORPUS.maxBatch);
    }
  });

  it('is the same for the same seed (k6 and Node send the same mix) and differs for another seed', () => {
    expect(buildCorpus()).toEqual(corpus);
    expect(buildCorpus({ ...DEFAULT_CORPUS, seed: 1 })).not.toEqual(corpus);
  });

  it('has more small households than large ones, as real ones do', () => {
    const count = (size: number) => all.filter((h) => h.householdSize === size).length;
    expect(count(1)).toBeGreaterThan(count(4));
    expect(count(4)).toBeGreaterThan(count(8));
  });

  it.each([
    [{ size: 0 }, 'corpus size must be a positive integer, got 0'],
    [{ batchShare: 1.5 }, 'corpus batchShare must be between 0 and 1, got 1.5'],
    [{ maxBatch: 1 }, 'corpus maxBatch must be an integer >= 2, got 1'],
  ])('rejects %j', (override, message) => {
    expect(() => buildCorpus({ ...DEFAULT_CORPUS, ...override })).toThrow(message);
  });
});
