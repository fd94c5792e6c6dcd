/**
 * The environment variables that say which SLO target to read: infra sets them on the publisher function
 * (publisher/config.ts reads them), and `npm run slo:report` accepts them in place of its options.
 */
export const SLO_ENV = {
  functionName: 'SLO_FUNCTION_NAME',
  aliasName: 'SLO_ALIAS',
  stage: 'SLO_STAGE',
  /** Namespace of the app's metrics, where the publisher writes BurnRate and ErrorBudgetRemaining too. */
  namespace: 'SLO_NAMESPACE',
} as const;
