import { describe, expect, it } from 'vitest';
import {
  checkRetryBudgetOptions,
  DEFAULT_RETRY_BUDGET,
  depositFirstAttempt,
  fullBudget,
  RetryBudget,
  spendRetry,
} from './retry-budget.ts';

describe('the retry budget', () => {
  it('starts full, so a new client can retry a brief fault at once', () => {
    expect(fullBudget(DEFAULT_RETRY_BUDGET)).toEqual({ tokens: 10 });
  });

  it('never holds more than its capacity, so old traffic does not pay for today’s outage', () => {
    let state = fullBudget(DEFAULT_RETRY_BUDGET);
    for (let call = 0; call < 1_000; call++) state = depositFirstAttempt(state, DEFAULT_RETRY_BUDGET);
    expect(state.tokens).toBe(10);
  });

  it('refuses a retry with less than one token', () => {
    expect(spendRetry({ tokens: 0.95 })).toBeNull();
    expect(spendRetry({ tokens: 1 })).toEqual({ tokens: 0 });
  });

  it('buys one retry with ten first attempts once spent', () => {
    let state = { tokens: 0 };
    for (let call = 0; call < 9; call++) state = depositFirstAttempt(state, DEFAULT_RETRY_BUDGET);
    expect(spendRetry(state)).toBeNull();
    state = depositFirstAttempt(state, DEFAULT_RETRY_BUDGET);
    expect(spendRetry(state)).not.toBeNull();
  });

  it('allows at most capacity + 10 % of first attempts in retries, whatever the order', () => {
    const budget = new RetryBudget();
    let retries = 0;
    for (let call = 0; call < 5_000; call++) {
      budget.recordFirstAttempt();
      while (budget.trySpendRetry()) retries++;
    }
    expect(retries).toBeLessThanOrEqual(10 + 500);
    expect(retries).toBeGreaterThanOrEqual(500);
  });

  it.each([
    [{ ratio: -0.1, capacity: 10 }, 'retry budget ratio is -0.1'],
    [{ ratio: 1.5, capacity: 10 }, 'retry budget ratio is 1.5'],
    [{ ratio: 0.1, capacity: 0.5 }, 'retry budget capacity is 0.5'],
    [{ ratio: Number.NaN, capacity: 10 }, 'retry budget ratio is NaN'],
  ])('refuses %o', (options, message) => {
    expect(() => checkRetryBudgetOptions(options)).toThrow(message);
    expect(() => new RetryBudget(options)).toThrow(message);
  });
});
