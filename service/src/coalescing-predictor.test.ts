import { describe, expect, it } from 'vitest';
import type { Household } from '../../model/src/domain.ts';
import { coalescingPredictor } from './coalescing-predictor.ts';
import { fakePredictor } from './testing/fake-predictor.ts';

const household = (kwh: number): Household => ({
  area: 'tokyo',
  householdSize: 2,
  housing: 'apartment',
  allElectric: false,
  knownUsage: { month: 1, kwh },
});

/** The fake scales its seasonal shape by the bill, so a row's January says which household it belongs to. */
const januaries = (rows: number[][]) => rows.map((row) => Math.round(row[0] ?? Number.NaN));

describe('coalescingPredictor', () => {
  it('answers concurrent calls from one model run, each with its own rows in order', async () => {
    const inner = fakePredictor();
    const predictor = coalescingPredictor(inner, 256);

    const answers = await Promise.all([
      predictor.predict([household(100)]),
      predictor.predict([household(200), household(300)]),
      predictor.predict([household(400)]),
    ]);

    expect(answers.map(januaries)).toEqual([[100], [200, 300], [400]]);
    expect(inner.calls.map((call) => call.length)).toEqual([4]);
  });

  it('runs calls from different turns separately', async () => {
    const inner = fakePredictor();
    const predictor = coalescingPredictor(inner, 256);

    await predictor.predict([household(100)]);
    await predictor.predict([household(200)]);

    expect(inner.calls.map((call) => call.length)).toEqual([1, 1]);
  });

  it.each([
    { name: 'single households', sizes: [1, 1, 1, 1, 1], max: 2, runs: [2, 2, 1] },
    { name: 'a call larger than the cap', sizes: [1, 5, 1], max: 2, runs: [1, 5, 1] },
    { name: 'calls that fit exactly', sizes: [2, 2], max: 4, runs: [4] },
  ])('never exceeds the cap with $name, unless one call alone does', async ({ sizes, max, runs }) => {
    const inner = fakePredictor();
    const predictor = coalescingPredictor(inner, max);

    const answers = await Promise.all(
      sizes.map((size, call) => predictor.predict(Array.from({ length: size }, () => household(call + 1)))),
    );

    expect(inner.calls.map((call) => call.length)).toEqual(runs);
    answers.forEach((rows, call) => {
      expect(januaries(rows)).toEqual(Array.from({ length: sizes[call] ?? 0 }, () => call + 1));
    });
  });

  it('fails every call of a failed run, and recovers for the next', async () => {
    let failNext = true;
    const inner = fakePredictor();
    const flaky = fakePredictor({
      predict: (households) => {
        if (!failNext) return inner.predict(households);
        failNext = false;
        return Promise.reject(new Error('model down'));
      },
    });
    const predictor = coalescingPredictor(flaky, 256);

    const failed = await Promise.allSettled([
      predictor.predict([household(1)]),
      predictor.predict([household(2)]),
    ]);
    const recovered = await predictor.predict([household(3)]);

    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(januaries(recovered)).toEqual([3]);
  });

  it('fails the run when the model answers the wrong number of rows', async () => {
    const short = fakePredictor({ predict: async () => [[1]] });
    const predictor = coalescingPredictor(short, 256);

    await expect(predictor.predict([household(1), household(2)])).rejects.toThrow('1 rows for 2 households');
  });
});
