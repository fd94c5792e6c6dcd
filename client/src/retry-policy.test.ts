import { describe, expect, it } from 'vitest';
import {
  type Backoff,
  decideRetry,
  fullJitterDelayMs,
  isRetryableStatus,
  type RetryInput,
  retryAfterMs,
  seededRandom,
} from './retry-policy.ts';

const backoff: Backoff = { baseMs: 100, capMs: 2_000 };

describe('isRetryableStatus', () => {
  it.each([429, 500, 502, 503, 504])('retries %i', (status) => expect(isRetryableStatus(status)).toBe(true));
  it.each([400, 401, 403, 404, 405, 408, 409, 413, 415, 422, 501, 505])('never retries %i', (status) =>
    expect(isRetryableStatus(status)).toBe(false),
  );
});

describe('fullJitterDelayMs', () => {
  it('draws each wait from the whole range [0, min(cap, base * 2^retry)), replayable from the seed', () => {
    const ceilings = [100, 200, 400, 800, 1_600, 2_000, 2_000];
    const random = seededRandom(42);
    const replay = seededRandom(42);
    const delays = ceilings.map((_, retry) => fullJitterDelayMs(retry, backoff, random));
    expect(delays).toEqual(ceilings.map((ceiling) => Math.floor(replay() * ceiling)));
    delays.forEach((delay, retry) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(ceilings[retry] ?? 0);
    });
  });

  it('spreads the waits evenly: every tenth of the range gets about a tenth of 10 000 seeded draws', () => {
    const random = seededRandom(7);
    const retry = 4; // ceiling 1 600 ms
    const tenths = Array.from({ length: 10 }, () => 0);
    for (let draw = 0; draw < 10_000; draw++) {
      const tenth = Math.floor(fullJitterDelayMs(retry, backoff, random) / 160);
      tenths[tenth] = (tenths[tenth] ?? 0) + 1;
    }
    expect(tenths.every((count) => count > 900 && count < 1_100)).toBe(true);
    expect(tenths.reduce((sum, count) => sum + count, 0)).toBe(10_000);
  });

  it('answers the range ends for the extreme random values', () => {
    expect(fullJitterDelayMs(3, backoff, () => 0)).toBe(0);
    expect(fullJitterDelayMs(3, backoff, () => 0.999_999)).toBe(799);
    expect(fullJitterDelayMs(30, backoff, () => 0.999_999)).toBe(1_999);
  });

  it('differs between seeds, so two clients do not wait in step', () => {
    const first = seededRandom(1);
    const second = seededRandom(2);
    const waits = (random: () => number) =>
      [0, 1, 2, 3].map((retry) => fullJitterDelayMs(retry, backoff, random));
    expect(waits(first)).not.toEqual(waits(second));
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-30T09:00:00Z');
  it.each([
    ['absent', null, null],
    ['delay-seconds', '3', 3_000],
    ['zero seconds', '0', 0],
    ['padded seconds', ' 2 ', 2_000],
    ['an HTTP-date 5 s ahead', 'Mon, 30 Nov 2026 09:00:05 GMT', 5_000],
    ['an HTTP-date already past', 'Mon, 30 Nov 2026 08:59:00 GMT', 0],
    ['negative seconds (unreadable)', '-1', null],
    ['fractional seconds (unreadable)', '1.5', null],
    ['garbage', 'soon', null],
  ])('reads %s', (_, header, expected) => expect(retryAfterMs(header, now)).toBe(expected));
});

describe('decideRetry', () => {
  const base: RetryInput = {
    attempts: 1,
    maxAttempts: 4,
    retryAfterMs: null,
    remainingMs: 10_000,
    backoff,
    random: () => 0.5,
  };
  it.each<[string, Partial<RetryInput>, ReturnType<typeof decideRetry>]>([
    ['waits half the first ceiling after the first attempt', {}, { retry: true, delayMs: 50 }],
    ['doubles the ceiling per attempt', { attempts: 3 }, { retry: true, delayMs: 200 }],
    ['takes the Retry-After over the backoff', { retryAfterMs: 1_500 }, { retry: true, delayMs: 1_500 }],
    ['gives up when every attempt is made', { attempts: 4 }, { retry: false, why: 'attempts exhausted' }],
    [
      'gives up when Retry-After reaches past the deadline',
      { retryAfterMs: 5_000, remainingMs: 4_000 },
      { retry: false, why: 'deadline' },
    ],
    [
      'gives up when the wait would end at the deadline',
      { remainingMs: 50 },
      { retry: false, why: 'deadline' },
    ],
  ])('%s', (_, change, expected) => expect(decideRetry({ ...base, ...change })).toEqual(expected));
});
