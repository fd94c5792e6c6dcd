import { rmSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGES } from '../config/stages.ts';
import { DEPLOY_ROLE_SESSION_SECONDS } from './deploy-session.ts';
import { GITHUB_OIDC } from './names.ts';
import {
  cfnText,
  onlyResource,
  SYNTH_TIMEOUT_MS,
  type Synthesized,
  synthesize,
  TEST_CONTEXT,
  TEST_ENV,
} from './testing/synth.ts';

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

describe('GitHub OIDC deploy role', () => {
  let synth: Synthesized;
  let statements: Statement[];
  beforeAll(() => {
    synth = synthesize();
    const role = onlyResource(synth.service, 'AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('^GitHub Actions deploy'),
    });
    const policy = onlyResource(synth.service, 'AWS::IAM::Policy', { Roles: [{ Ref: role.id }] });
    statements = (policy.resource.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => rmSync(synth.outdir, { recursive: true, force: true }));

  function statementWithSid(sid: string): Statement {
    const statement = statements.find((s) => s.Sid === sid);
    if (statement === undefined) throw new Error(`no statement ${sid}`);
    return statement;
  }

  it("may be assumed only through GitHub's OIDC provider, by this repository's stage environment alone", () => {
    // The contract with deploy.yml and rollback.yml: prod's environment is `production`, from the stage table.
    expect(STAGES.prod.githubEnvironment).toBe('production');
    const { resource } = onlyResource(synth.service, 'AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('^GitHub Actions deploy'),
    });
    const [trust, ...others] = (resource.Properties.AssumeRolePolicyDocument as { Statement: Statement[] })
      .Statement;
    expect(others).toEqual([]);
    expect(trust?.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(cfnText((trust as unknown as { Principal: { Federated: unknown } }).Principal.Federated)).toBe(
      `arn:{Ref:AWS::Partition}:iam::{Ref:AWS::AccountId}:oidc-provider/${GITHUB_OIDC.host}`,
    );
    expect(trust?.Condition).toEqual({
      StringEquals: {
        [`${GITHUB_OIDC.host}:aud`]: GITHUB_OIDC.audience,
        [`${GITHUB_OIDC.host}:sub`]: `repo:${TEST_CONTEXT.githubRepository}:environment:${STAGES.prod.githubEnvironment}`,
      },
    });
    // A job on main without `environment:` presents the ref subject: it must match nothing, so it cannot skip the
    // environment's reviewers.
    expect(JSON.stringify(trust?.Condition)).not.toContain(':ref:');
    expect(resource.Properties.MaxSessionDuration).toBe(DEPLOY_ROLE_SESSION_SECONDS);
  });

  it('deploys only by assuming the four CDK bootstrap roles, named exactly', () => {
    const deploy = statementWithSid('DeployThroughCdkBootstrapRoles');
    expect((deploy.Resource as unknown[]).map(cfnText)).toEqual(
      ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map(
        (kind) =>
          `arn:{Ref:AWS::Partition}:iam::{Ref:AWS::AccountId}:role/cdk-hnb659fds-${kind}-role-{Ref:AWS::AccountId}-{Ref:AWS::Region}`,
      ),
    );
  });

  it('has exactly the actions deploy and `npm run release` use, and no other', () => {
    const actions = [...new Set(statements.flatMap((s) => [s.Action].flat()))].sort();
    expect(actions).toEqual([
      'application-autoscaling:DescribeScalableTargets',
      'application-autoscaling:DescribeScalingPolicies',
      'application-autoscaling:RegisterScalableTarget',
      'cloudformation:DescribeStacks',
      'cloudwatch:DescribeAlarms',
      'cloudwatch:GetMetricData',
      'dynamodb:ConditionCheckItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'lambda:CreateAlias',
      'lambda:DeleteProvisionedConcurrencyConfig',
      'lambda:GetAlias',
      'lambda:GetFunctionConfiguration',
      'lambda:GetFunctionUrlConfig',
      'lambda:GetProvisionedConcurrencyConfig',
      'lambda:InvokeFunction',
      'lambda:InvokeFunctionUrl',
      'lambda:PutProvisionedConcurrencyConfig',
      'lambda:UpdateAlias',
      'sts:AssumeRole',
      'sts:TagSession',
    ]);
  });

  it("releases only on this function's live and pretraffic aliases, its qualifiers' PC, live's scaling and the release table", () => {
    const fnArn = `{${onlyResource(synth.service, 'AWS::Lambda::Function', { PackageType: 'Image' }).id}.Arn}`;
    const aliases = [`${fnArn}:live`, `${fnArn}:pretraffic`];
    const tableArn = `{${onlyResource(synth.service, 'AWS::DynamoDB::Table').id}.Arn}`;
    const resourcesOf = (sid: string) => [statementWithSid(sid).Resource].flat().map(cfnText);

    expect(resourcesOf('ReleaseMovesItsAliases')).toEqual([fnArn, ...aliases]);
    expect(resourcesOf('ReleaseChecksVersionsExist')).toEqual([`${fnArn}:*`]);
    expect(resourcesOf('ReleaseReadsAliasUrls')).toEqual(aliases);
    expect(resourcesOf('ReleaseCallsAliasUrls')).toEqual(aliases);
    expect(statementWithSid('ReleaseCallsAliasUrls').Condition).toEqual({
      StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' },
    });
    expect(resourcesOf('ReleaseInvokesOnlyThroughAliasUrls')).toEqual(aliases);
    expect(statementWithSid('ReleaseInvokesOnlyThroughAliasUrls').Condition).toEqual({
      Bool: { 'lambda:InvokedViaFunctionUrl': 'true' },
    });
    expect(resourcesOf('ReleaseSizesProvisionedConcurrency')).toEqual([`${fnArn}:*`]);
    expect(resourcesOf('ReleaseReadsLiveScaling')).toEqual(['*']);
    expect(resourcesOf('ReleaseSuspendsLiveScaling')).toEqual([
      'arn:{Ref:AWS::Partition}:application-autoscaling:{Ref:AWS::Region}:{Ref:AWS::AccountId}:scalable-target/*',
    ]);
    expect(resourcesOf('ReleaseKeepsItsRecord')).toEqual([tableArn]);
  });

  it('reads the state of exactly the page alarms the release watches, by name', () => {
    const read = statementWithSid('ReadReleaseAlarms');
    expect(read.Action).toBe('cloudwatch:DescribeAlarms');
    const pageNames = Object.values(synth.service.findResources('AWS::CloudWatch::CompositeAlarm'))
      .filter((c) => String(c.Properties.AlarmDescription).startsWith('[page]'))
      .map((c) => c.Properties.AlarmName as string);
    expect(pageNames.length).toBeGreaterThan(0);
    expect([read.Resource].flat().map(cfnText).sort()).toEqual(
      pageNames
        .map(
          (name) =>
            `arn:{Ref:AWS::Partition}:cloudwatch:${TEST_ENV.region}:${TEST_ENV.account}:alarm:${name}`,
        )
        .sort(),
    );
  });

  it('grants no wildcard action, and a wildcard resource only to the reads that have no resource-level form', () => {
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    expect(
      statements
        .filter((s) => [s.Resource].flat().includes('*'))
        .flatMap((s) => [s.Action].flat())
        .sort(),
    ).toEqual([
      'application-autoscaling:DescribeScalableTargets',
      'application-autoscaling:DescribeScalingPolicies',
      'cloudwatch:GetMetricData',
    ]);
  });
});

describe('GithubOidcStack', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize();
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => rmSync(synth.outdir, { recursive: true, force: true }));

  it("registers GitHub's issuer for the STS audience once, and keeps it if the stack is deleted", () => {
    const { resource } = onlyResource(synth.oidc, 'AWS::IAM::OIDCProvider');
    expect(resource.Properties).toMatchObject({ Url: GITHUB_OIDC.url, ClientIdList: [GITHUB_OIDC.audience] });
    expect(resource.DeletionPolicy).toBe('Retain');
  });
});
