import { describe, expect, it } from 'vitest';
import { wholePeriods } from './whole-periods.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const at = (ms: number) => new Date(T0 + ms);

describe('wholePeriods', () => {
  it.each([
    ['already whole', 1_000, [2_000, 5_000], [2_000, 5_000]],
    ['start down and end up', 1_000, [2_500, 4_001], [2_000, 5_000]],
    ['within one period', 1_000, [2_100, 2_200], [2_000, 3_000]],
    ["to CloudWatch's minutes", MINUTE, [5_000, 12_000], [0, MINUTE]],
  ])('widens %s', (_, periodMs, [start, end], [wantedStart, wantedEnd]) => {
    expect(wholePeriods({ start: at(start as number), end: at(end as number) }, periodMs as number)).toEqual({
      start: at(wantedStart as number),
      end: at(wantedEnd as number),
    });
  });

  it('refuses an empty range, naming it', () => {
    expect(() => wholePeriods({ start: at(1_000), end: at(1_000) }, 1_000)).toThrow(
      /range 2026-01-01T12:00:01.000Z..2026-01-01T12:00:01.000Z is empty: send start before end/,
    );
  });
});
