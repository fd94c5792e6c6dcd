/**
 * The typed client of POST /predict: one call is a loop of attempts, each under its own timeout, all under one
 * deadline and the caller's AbortSignal. What to retry and how long to wait are the pure decisions of
 * retry-policy.ts and retry-budget.ts; this file only performs them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import type { BatchResponse, householdRequest, PredictResponse } from '../../service/src/schema.ts';
import { predictUrl } from './endpoint.ts';
import { GiveUpError, ProblemError, type ProblemFieldError } from './errors.ts';
import { RetryBudget } from './retry-budget.ts';
import {
  type Backoff,
  decideRetry,
  isRetryableStatus,
  type RandomSource,
  retryAfterMs,
} from './retry-policy.ts';
import type { RequestSigner } from './sigv4.ts';

/** One household as a caller writes it: the service's request schema before its defaults apply. */
export type Household = z.input<typeof householdRequest>;
export type { BatchResponse, PredictResponse };

/** What `onRetry` hears before each wait: the attempt that failed (1 = the first), the wait, and why. */
export interface RetryEvent {
  attempt: number;
  delayMs: number;
  cause: unknown;
}

export interface PredictClientOptions {
  /** The service's base URL: `http://127.0.0.1:3000` or a Function URL. */
  url: string;
  /** Signs each attempt (SigV4 for an AWS_IAM Function URL: createSigV4Signer). */
  signer?: RequestSigner;
  /** One attempt's limit, from sending to the last byte of the answer. */
  attemptTimeoutMs?: number;
  /** The whole call's limit, waits included. */
  deadlineMs?: number;
  /** Attempts per call, the first included. */
  maxAttempts?: number;
  backoff?: Backoff;
  /** Share one budget between clients of the same service so their retries count together. */
  budget?: RetryBudget;
  random?: RandomSource;
  onRetry?: (event: RetryEvent) => void;
}

/**
 * Defaults for a service that answers in tens of milliseconds: an attempt gets 3 s (a Lambda cold start with the
 * model load fits), a call 10 s, which leaves room for 4 attempts with waits of at most 100, 200 and 400 ms.
 */
export const CLIENT_DEFAULTS = {
  attemptTimeoutMs: 3_000,
  deadlineMs: 10_000,
  maxAttempts: 4,
  backoff: { baseMs: 100, capMs: 2_000 },
} as const satisfies Omit<Required<PredictClientOptions>, 'url' | 'signer' | 'budget' | 'random' | 'onRetry'>;

export interface CallOptions {
  /** Aborts the call at once, whichever attempt or wait it is in; the call rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface PredictClient {
  predict(household: Household, options?: CallOptions): Promise<PredictResponse>;
  /** One request with `{"instances": households}` (1 to 100), answered in order. */
  predictBatch(households: readonly Household[], options?: CallOptions): Promise<BatchResponse>;
}

type AttemptOutcome =
  | { ok: true; value: unknown }
  | { ok: false; cause: unknown; retryAfterMs: number | null };

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new Error(`${name} is ${value}: use a positive number of milliseconds (or attempts)`);
  }
  return value;
}

function fieldErrorsOf(value: unknown): ProblemFieldError[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is ProblemFieldError =>
      typeof item === 'object' &&
      item !== null &&
      typeof item.path === 'string' &&
      typeof item.message === 'string',
  );
}

/** The problem+json details of an error answer; a body that has none (a gateway's HTML) keeps the status text. */
export function problemErrorOf(url: string, status: number, statusText: string, body: string): ProblemError {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value === 'object' && value !== null) parsed = value as Record<string, unknown>;
  } catch {
    // Not JSON: the status line is all there is to report.
  }
  return new ProblemError({
    url,
    status,
    title: typeof parsed.title === 'string' ? parsed.title : statusText || `HTTP ${status}`,
    ...(typeof parsed.detail === 'string' ? { detail: parsed.detail } : {}),
    errors: fieldErrorsOf(parsed.errors),
  });
}

export function createPredictClient(options: PredictClientOptions): PredictClient {
  const url = predictUrl(options.url);
  const attemptTimeoutMs = positive(
    'attemptTimeoutMs',
    options.attemptTimeoutMs ?? CLIENT_DEFAULTS.attemptTimeoutMs,
  );
  const deadlineMs = positive('deadlineMs', options.deadlineMs ?? CLIENT_DEFAULTS.deadlineMs);
  const maxAttempts = positive('maxAttempts', options.maxAttempts ?? CLIENT_DEFAULTS.maxAttempts);
  const backoff = options.backoff ?? CLIENT_DEFAULTS.backoff;
  const budget = options.budget ?? new RetryBudget();
  const random = options.random ?? Math.random;

  async function attempt(body: string, number: number, overall: AbortSignal): Promise<AttemptOutcome> {
    const attemptSignal = AbortSignal.any([overall, AbortSignal.timeout(attemptTimeoutMs)]);
    const unsigned = { 'content-type': 'application/json', accept: 'application/json' };
    let headers: Record<string, string> = unsigned;
    if (options.signer !== undefined) {
      try {
        headers = await options.signer({ url: new URL(url), headers: unsigned, body });
      } catch (error) {
        throw new Error(`cannot sign POST ${url} with SigV4: check the AWS credentials and region`, {
          cause: error,
        });
      }
    }
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { method: 'POST', headers, body, signal: attemptSignal });
      text = await response.text();
    } catch (error) {
      // The caller's abort and the deadline end the whole call; the caller of attempt() tells them apart.
      if (overall.aborted) throw error;
      const cause = attemptSignal.aborted
        ? new Error(`attempt ${number} of POST ${url} timed out after ${attemptTimeoutMs} ms`, {
            cause: error,
          })
        : new Error(`attempt ${number} of POST ${url} failed on the network`, { cause: error });
      return { ok: false, cause, retryAfterMs: null };
    }
    if (response.ok) {
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch (error) {
        throw new Error(`POST ${url} answered ${response.status} with a body that is not JSON`, {
          cause: error,
        });
      }
    }
    const problem = problemErrorOf(url, response.status, response.statusText, text);
    if (!isRetryableStatus(response.status)) throw problem;
    return {
      ok: false,
      cause: problem,
      retryAfterMs: retryAfterMs(response.headers.get('retry-after'), Date.now()),
    };
  }

  async function call(payload: unknown, callOptions: CallOptions): Promise<unknown> {
    const callerSignal = callOptions.signal;
    callerSignal?.throwIfAborted();
    const deadline = AbortSignal.timeout(deadlineMs);
    const overall = callerSignal === undefined ? deadline : AbortSignal.any([callerSignal, deadline]);
    const startedAt = performance.now();
    const body = JSON.stringify(payload);
    // The caller's abort wins; otherwise an aborted overall signal is the deadline.
    const stopped = (attempts: number, cause: unknown): unknown =>
      callerSignal?.aborted
        ? callerSignal.reason
        : new GiveUpError({ url, attempts, why: 'deadline', cause });

    budget.recordFirstAttempt();
    for (let attempts = 1; ; attempts++) {
      let outcome: AttemptOutcome;
      try {
        outcome = await attempt(body, attempts, overall);
      } catch (error) {
        throw overall.aborted ? stopped(attempts, error) : error;
      }
      if (outcome.ok) return outcome.value;
      const decision = decideRetry({
        attempts,
        maxAttempts,
        retryAfterMs: outcome.retryAfterMs,
        remainingMs: deadlineMs - (performance.now() - startedAt),
        backoff,
        random,
      });
      if (!decision.retry) throw new GiveUpError({ url, attempts, why: decision.why, cause: outcome.cause });
      if (!budget.trySpendRetry())
        throw new GiveUpError({ url, attempts, why: 'budget spent', cause: outcome.cause });
      options.onRetry?.({ attempt: attempts, delayMs: decision.delayMs, cause: outcome.cause });
      try {
        await sleep(decision.delayMs, undefined, { signal: overall });
      } catch {
        throw stopped(attempts, outcome.cause);
      }
    }
  }

  return {
    predict: async (household, callOptions = {}) => (await call(household, callOptions)) as PredictResponse,
    predictBatch: async (households, callOptions = {}) =>
      (await call({ instances: households }, callOptions)) as BatchResponse,
  };
}
