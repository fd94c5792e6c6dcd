import { describe, expect, it } from 'vitest';
import { AWS_PLAN, worstCaseDurationMs } from '../../release/src/plan.ts';
import {
  CDK_DEPLOY_MARGIN_MS,
  DEPLOY_ROLE_SESSION_SECONDS,
  deployRoleSessionSeconds,
  IAM_MAX_SESSION_SECONDS,
} from './deploy-session.ts';

const HOUR_MS = 3_600_000;

describe('the deploy role session', () => {
  it.each([
    {
      name: 'rounds a release and the deploy margin up to whole hours',
      releaseMs: 227 * 60_000,
      seconds: 5 * 3600,
    },
    { name: 'keeps an exact hour', releaseMs: 2 * HOUR_MS - CDK_DEPLOY_MARGIN_MS, seconds: 2 * 3600 },
    { name: "stops at IAM's 12 h ceiling", releaseMs: 20 * HOUR_MS, seconds: IAM_MAX_SESSION_SECONDS },
  ])('$name', ({ releaseMs, seconds }) => {
    expect(deployRoleSessionSeconds(releaseMs)).toBe(seconds);
  });

  it("outlasts AWS_PLAN's worst-case release plus the deploy, which one hour did not", () => {
    expect(DEPLOY_ROLE_SESSION_SECONDS * 1000).toBeGreaterThanOrEqual(
      worstCaseDurationMs(AWS_PLAN) + CDK_DEPLOY_MARGIN_MS,
    );
    expect(DEPLOY_ROLE_SESSION_SECONDS).toBeGreaterThan(3600);
    expect(DEPLOY_ROLE_SESSION_SECONDS).toBeLessThanOrEqual(IAM_MAX_SESSION_SECONDS);
  });
});
