/** Names shared by the stack, its outputs and the release step that reads them. */

/** The alias that carries production traffic; only the release step moves it. */
export const LIVE_ALIAS_NAME = 'live';

/**
 * The alias a release points at its candidate to test it alone (pre-traffic load test, drift check) through its
 * AWS_IAM Function URL: a Function URL names an alias, never a version. No provisioned concurrency, no weights.
 */
export const PRETRAFFIC_ALIAS_NAME = 'pretraffic';

/** CloudFormation output keys; the release workflow reads these, so renaming one is a breaking change. */
export const OUTPUT_KEYS = {
  functionName: 'FunctionName',
  publishedVersion: 'PublishedVersion',
  aliasName: 'AliasName',
  functionUrl: 'FunctionUrl',
  deployRoleArn: 'DeployRoleArn',
  /** The read-only role slo-watch.yml assumes (repository variable SHIFTGATE_WATCH_ROLE_ARN). */
  watchRoleArn: 'WatchRoleArn',
  dashboardName: 'DashboardName',
  /**
   * Comma-separated names of the page-severity SLO composite alarms: during a release, any of them in ALARM
   * means roll back (`aws cloudwatch describe-alarms --alarm-types CompositeAlarm --alarm-names ...`).
   */
  pageAlarmNames: 'PageAlarmNames',
  pageTopicArn: 'PageTopicArn',
  ticketTopicArn: 'TicketTopicArn',
  /** The DynamoDB table of the release record (lock and journal): the release's --table. */
  releaseTableName: 'ReleaseTableName',
  /** The `pretraffic` alias's AWS_IAM Function URL, where a release tests its candidate alone. */
  pretrafficUrl: 'PretrafficUrl',
} as const;

/**
 * Every alarm of a stage that notifies is named '<prefix>-<id>' (e.g. 'shiftgate-prod-availability-page-1h-5m');
 * the stage's alert topics accept messages from these names only.
 */
export function alarmNamePrefix(stage: string): string {
  return `shiftgate-${stage}`;
}

/** GitHub's OIDC issuer and the audience that aws-actions/configure-aws-credentials requests. */
export const GITHUB_OIDC = {
  url: 'https://token.actions.githubusercontent.com',
  host: 'token.actions.githubusercontent.com',
  audience: 'sts.amazonaws.com',
} as const;

/**
 * The customer managed policy every role of the app carries as its permissions boundary (shiftgate-app.ts), created
 * at bootstrap from infra/bootstrap/role-boundary-policy.json; the CloudFormation execution policy creates and
 * changes roles only with it attached (docs/infrastructure.md, "Set up an account and GitHub").
 */
export const ROLE_BOUNDARY_POLICY_NAME = 'ShiftgateRoleBoundary';
