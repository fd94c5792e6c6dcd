/**
 * The pure decisions of the retry loop: which failures can succeed on a retry, and how long to wait before it.
 * No clock, no randomness of their own: the caller passes the time and a random source, so tests replay them.
 */

/**
 * What a later attempt can fix: a throttle (429), a fault of the function or its runtime (500), and a gateway
 * that could not reach or wait for it (502, 503, 504). Any other 4xx is the request's own fault and fails the
 * same way every time; POST /predict is a pure function, so repeating it is safe.
 */
export const RETRYABLE_STATUSES: readonly number[] = [429, 500, 502, 503, 504];

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.includes(status);
}

export interface Backoff {
  /** The ceiling of the first retry's wait. */
  baseMs: number;
  /** No wait's ceiling grows beyond this. */
  capMs: number;
}

/** A number in [0, 1), like Math.random. */
export type RandomSource = () => number;

/**
 * "Full jitter": a wait drawn uniformly from [0, min(cap, base * 2^retry)). Spreading the waits over the whole
 * range, instead of around the exponential value, stops clients that failed together from retrying together
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). `retry` counts from 0.
 */
export function fullJitterDelayMs(retry: number, backoff: Backoff, random: RandomSource): number {
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * A `Retry-After` header (RFC 9110 §10.2.3) as milliseconds from `nowMs`: delay-seconds or an HTTP-date; a date
 * already past is 0. Null when absent or unreadable, so the backoff decides instead.
 */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Every HTTP-date form starts with the day's name; Date.parse alone would read "-1" or "1.5" as a year.
  const date = /^[A-Za-z]{3}/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/** Why a call stopped retrying. */
export type GiveUpReason = 'attempts exhausted' | 'deadline' | 'budget spent';

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; why: GiveUpReason };

export interface RetryInput {
  /** Attempts made so far, the failed one included (1 after the first). */
  attempts: number;
  maxAttempts: number;
  /** The failed response's Retry-After in ms, or null (also for a network error). */
  retryAfterMs: number | null;
  /** Time left before the call's deadline. */
  remainingMs: number;
  backoff: Backoff;
  random: RandomSource;
}

/**
 * Whether to retry a retryable failure and after how long. A server's Retry-After wins over the backoff; a wait
 * that would end at or past the deadline gives up now, since the attempt after it could not finish in time.
 * The retry budget is asked last, by the caller, so a retry that will not happen spends no token.
 */
export function decideRetry(input: RetryInput): RetryDecision {
  if (input.attempts >= input.maxAttempts) return { retry: false, why: 'attempts exhausted' };
  const delayMs = input.retryAfterMs ?? fullJitterDelayMs(input.attempts - 1, input.backoff, input.random);
  if (delayMs >= input.remainingMs) return { retry: false, why: 'deadline' };
  return { retry: true, delayMs };
}

/**
 * A seeded random source (mulberry32), so a test or a replay gets the same waits every time. Not for secrets.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
