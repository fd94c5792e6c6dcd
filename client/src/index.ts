export type { BatchResponse, PredictResponse } from './client.ts';
export {
  type CallOptions,
  CLIENT_DEFAULTS,
  createPredictClient,
  type Household,
  type PredictClient,
  type PredictClientOptions,
  type RetryEvent,
} from './client.ts';
export { functionUrlRegion } from './endpoint.ts';
export { GiveUpError, ProblemError, type ProblemFieldError } from './errors.ts';
export { DEFAULT_RETRY_BUDGET, RetryBudget, type RetryBudgetOptions } from './retry-budget.ts';
export {
  type Backoff,
  type GiveUpReason,
  type RandomSource,
  RETRYABLE_STATUSES,
  seededRandom,
} from './retry-policy.ts';
export { createSigV4Signer, type RequestSigner, type SigningCredentials, signingRegion } from './sigv4.ts';
