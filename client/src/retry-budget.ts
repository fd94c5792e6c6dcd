/**
 * The retry budget: a token bucket that keeps retries to a share of first attempts, so retries cannot multiply
 * an outage. Each first attempt deposits `ratio` tokens (0.1: at most 10 % extra requests), each retry costs one,
 * and the bucket holds at most `capacity`, so only the recent past counts: a window of the last
 * capacity / ratio first attempts slides with the traffic. The same scheme as gRPC's retry throttling
 * (https://github.com/grpc/proposal/blob/master/A6-client-retries.md#throttling-retry-attempts-and-hedged-rpcs)
 * and Finagle's RetryBudget, counted in requests rather than time, so it needs no clock.
 */

export interface RetryBudgetOptions {
  /** Tokens a first attempt deposits: the share of extra requests retries may add. */
  ratio: number;
  /** The most tokens the bucket holds: the burst of retries a quiet client may spend at once. */
  capacity: number;
}

/** 10 % extra requests; a burst of 10 retries, the savings of the last 100 first attempts. */
export const DEFAULT_RETRY_BUDGET: RetryBudgetOptions = { ratio: 0.1, capacity: 10 };

/** A bucket's content. A new client starts full, so its first calls can retry a brief fault. */
export interface RetryBudgetState {
  tokens: number;
}

export function checkRetryBudgetOptions(options: RetryBudgetOptions): RetryBudgetOptions {
  const { ratio, capacity } = options;
  if (!(Number.isFinite(ratio) && ratio >= 0 && ratio <= 1)) {
    throw new Error(
      `retry budget ratio is ${ratio}: use a share between 0 and 1 (0.1 allows 10 % extra requests)`,
    );
  }
  if (!(Number.isFinite(capacity) && capacity >= 1)) {
    throw new Error(
      `retry budget capacity is ${capacity}: use at least 1 token, or no retry could ever be spent`,
    );
  }
  return options;
}

export function fullBudget(options: RetryBudgetOptions): RetryBudgetState {
  return { tokens: options.capacity };
}

export function depositFirstAttempt(state: RetryBudgetState, options: RetryBudgetOptions): RetryBudgetState {
  return { tokens: Math.min(options.capacity, state.tokens + options.ratio) };
}

/** One retry's token, or null when the budget is spent. */
export function spendRetry(state: RetryBudgetState): RetryBudgetState | null {
  // Deposits of 0.1 add up to 0.9999999999999999 after ten; the tolerance keeps ten first attempts worth a retry.
  return state.tokens >= 1 - 1e-9 ? { tokens: Math.max(0, state.tokens - 1) } : null;
}

/**
 * The one mutable bucket a client (or several clients sharing it) draws from; the arithmetic stays in the pure
 * functions above.
 */
export class RetryBudget {
  readonly options: RetryBudgetOptions;
  #state: RetryBudgetState;

  constructor(options: RetryBudgetOptions = DEFAULT_RETRY_BUDGET) {
    this.options = checkRetryBudgetOptions(options);
    this.#state = fullBudget(options);
  }

  get tokens(): number {
    return this.#state.tokens;
  }

  recordFirstAttempt(): void {
    this.#state = depositFirstAttempt(this.#state, this.options);
  }

  /** Takes one retry's token; false when the budget is spent. */
  trySpendRetry(): boolean {
    const next = spendRetry(this.#state);
    if (next === null) return false;
    this.#state = next;
    return true;
  }
}
