import { AWS_PLAN, worstCaseDurationMs } from '../../release/src/plan.ts';

const HOUR_MS = 3_600_000;

/**
 * What the deploy job does with the same credentials before the release: build and push the image, then
 * CloudFormation's update of the stack (a new function version, the alias custom resources). Half an hour covers a
 * cold image build on a hosted runner with room; a slower deploy fails on its own timeouts, not on expired keys.
 */
export const CDK_DEPLOY_MARGIN_MS = 30 * 60_000;

/** IAM's ceiling for a role's MaxSessionDuration (and so for role-duration-seconds): 12 hours. */
export const IAM_MAX_SESSION_SECONDS = 12 * 3600;

/**
 * The deploy role's session length, in seconds: the worst case of a release on AWS_PLAN plus the cdk deploy margin,
 * rounded up to whole hours (a number a reader can check in deploy.yml), at most IAM's 12 h. deploy.yml's
 * `role-duration-seconds` must equal it (the workflows test reads this constant): a session that ends mid-release
 * stops it where only `npm run release -- resume` with fresh credentials can pick it up.
 */
export function deployRoleSessionSeconds(releaseWorstCaseMs: number): number {
  const hours = Math.ceil((releaseWorstCaseMs + CDK_DEPLOY_MARGIN_MS) / HOUR_MS);
  return Math.min(IAM_MAX_SESSION_SECONDS, hours * 3600);
}

export const DEPLOY_ROLE_SESSION_SECONDS = deployRoleSessionSeconds(worstCaseDurationMs(AWS_PLAN));
