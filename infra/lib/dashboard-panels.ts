/**
 * The dashboard's panels as data: which Lambda metric, with which statistics, shown per alias and per version.
 * One loop in service-dashboard.ts turns each row into two graphs, so a new panel is one row here.
 */
export interface DashboardPanel {
  readonly title: string;
  readonly metricName: string;
  /** CloudWatch statistics, e.g. Sum, Maximum, p95. */
  readonly statistics: readonly string[];
  readonly unit: string;
}

export const DASHBOARD_PANELS: readonly DashboardPanel[] = [
  { title: 'Invocations', metricName: 'Invocations', statistics: ['Sum'], unit: 'count' },
  { title: 'Errors', metricName: 'Errors', statistics: ['Sum'], unit: 'count' },
  { title: 'Throttles', metricName: 'Throttles', statistics: ['Sum'], unit: 'count' },
  { title: 'Duration', metricName: 'Duration', statistics: ['p50', 'p95', 'p99'], unit: 'ms' },
  {
    title: 'Provisioned-concurrency utilization',
    metricName: 'ProvisionedConcurrencyUtilization',
    statistics: ['Maximum'],
    unit: 'ratio',
  },
  {
    title: 'Spillover invocations (beyond provisioned concurrency)',
    metricName: 'ProvisionedConcurrencySpilloverInvocations',
    statistics: ['Sum'],
    unit: 'count',
  },
];

/**
 * CloudWatch search over the per-version series of an alias: Lambda reports invocations through a weighted
 * alias with the dimensions {FunctionName, Resource: "<function>:<alias>", ExecutedVersion}, and versions
 * appear as releases publish them, so they are found by search rather than listed.
 */
export function perVersionSearch(
  functionName: string,
  aliasName: string,
  metricName: string,
  statistic: string,
  periodSeconds: number,
): string {
  return (
    `SEARCH('{AWS/Lambda,ExecutedVersion,FunctionName,Resource} MetricName="${metricName}" ` +
    `FunctionName="${functionName}" Resource="${functionName}:${aliasName}"', '${statistic}', ${periodSeconds})`
  );
}
