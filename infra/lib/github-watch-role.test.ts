import { rmSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GITHUB_OIDC, OUTPUT_KEYS } from './names.ts';
import {
  onlyResource,
  SYNTH_TIMEOUT_MS,
  type Synthesized,
  synthesize,
  TEST_CONTEXT,
} from './testing/synth.ts';

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

describe('GitHub OIDC SLO watch role (cdk-nag runs over it in cdk-nag.test.ts)', () => {
  let synth: Synthesized;
  let role: ReturnType<typeof onlyResource>;
  beforeAll(() => {
    synth = synthesize();
    role = onlyResource(synth.service, 'AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('^GitHub Actions SLO watch'),
    });
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => rmSync(synth.outdir, { recursive: true, force: true }));

  it("is trusted by this repository's main branch alone, the subject a scheduled run presents", () => {
    const { Statement } = role.resource.Properties.AssumeRolePolicyDocument as { Statement: Statement[] };
    expect(Statement).toHaveLength(1);
    expect(Statement[0]?.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(Statement[0]?.Condition).toEqual({
      StringEquals: {
        [`${GITHUB_OIDC.host}:aud`]: GITHUB_OIDC.audience,
        [`${GITHUB_OIDC.host}:sub`]: `repo:${TEST_CONTEXT.githubRepository}:ref:refs/heads/main`,
      },
    });
    expect(role.resource.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('may only read metrics: GetMetricData, what npm run slo:report calls, and no other action', () => {
    const policies = Object.values(
      synth.service.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role.id }] } }),
    );
    const statements = policies.flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    expect(statements.map(({ Action, Resource }) => ({ Action, Resource }))).toEqual([
      { Action: 'cloudwatch:GetMetricData', Resource: '*' },
    ]);
  });

  it('is an output the workflow variable SHIFTGATE_WATCH_ROLE_ARN is set from', () => {
    synth.service.hasOutput(OUTPUT_KEYS.watchRoleArn, { Value: { 'Fn::GetAtt': [role.id, 'Arn'] } });
  });
});
