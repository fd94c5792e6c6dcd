import { DefaultStackSynthesizer } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { OidcProviderNative, OpenIdConnectPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ArnFormat, Aws, Duration, Stack } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { DEPLOY_ROLE_SESSION_SECONDS } from './deploy-session.ts';
import { GITHUB_OIDC, LIVE_ALIAS_NAME, PRETRAFFIC_ALIAS_NAME } from './names.ts';

export interface GithubDeployRoleProps {
  /** `owner/name` of the one repository whose workflows may assume the role. */
  readonly repository: string;
  /**
   * The branch the environment's deployment-branch policy must allow, and only it (a required repository setting,
   * docs/infrastructure.md): the trust itself names the environment alone, so that no job skips its reviewers.
   */
  readonly branch: string;
  /** The GitHub environment (with its own protection rules) whose jobs, and only those, may assume it. */
  readonly environment: string;
  readonly function: IFunction;
  /** The release record (lock and journal) `npm run release` keeps; the role reads and writes its items only. */
  readonly releaseTable: ITable;
  /** The page-level alarms a release reads: any of them in ALARM during a release means roll back. */
  readonly releaseAlarmNames: readonly string[];
  /** CDK bootstrap qualifier; `hnb659fds` unless the account was bootstrapped with another. */
  readonly bootstrapQualifier?: string;
}

/** This stack's ARN whatever id CloudFormation gave it; region and account as tokens so the text is stable. */
export function stackArnPattern(stackName: string): string {
  return `arn:${Aws.PARTITION}:cloudformation:${Aws.REGION}:${Aws.ACCOUNT_ID}:stack/${stackName}/*`;
}

/** Every Application Auto Scaling scalable target of this account and region (the id is AWS-assigned). */
export function scalableTargetArnPattern(): string {
  return `arn:${Aws.PARTITION}:application-autoscaling:${Aws.REGION}:${Aws.ACCOUNT_ID}:scalable-target/*`;
}

/** The roles `cdk bootstrap` creates; deploying through them keeps CloudFormation rights out of this role. */
const BOOTSTRAP_ROLE_KINDS = ['deploy', 'file-publishing', 'image-publishing', 'lookup'] as const;

/**
 * The role GitHub Actions assumes through OIDC, with no long-lived keys. It can deploy only through the CDK
 * bootstrap roles, and release only through this function's aliases, its provisioned concurrency, live's scaling
 * target and the release record. The OIDC provider is account-wide and is created once by GithubOidcStack; this
 * role refers to it by its well-known ARN.
 */
export class GithubDeployRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: GithubDeployRoleProps) {
    super(scope, id);
    const { repository, branch, environment, function: fn } = props;
    const qualifier = props.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const stack = Stack.of(this);

    const provider = OidcProviderNative.fromOidcProviderArn(
      this,
      'GithubProvider',
      `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:oidc-provider/${GITHUB_OIDC.host}`,
    );
    this.role = new Role(this, 'Role', {
      description: `GitHub Actions deploy+release for ${repository} (${branch} / environment ${environment})`,
      // Long enough for a worst-case release after the deploy (deploy-session.ts); deploy.yml asks for the same.
      maxSessionDuration: Duration.seconds(DEPLOY_ROLE_SESSION_SECONDS),
      assumedBy: new OpenIdConnectPrincipal(provider, {
        StringEquals: {
          [`${GITHUB_OIDC.host}:aud`]: GITHUB_OIDC.audience,
          // Only a job that declares `environment:` presents the environment subject, and such a job waits for
          // that environment's reviewers. Trusting the branch's ref subject too would let any job on main that
          // leaves `environment:` out assume this role without them (the prod approval bypass of issue 12).
          [`${GITHUB_OIDC.host}:sub`]: `repo:${repository}:environment:${environment}`,
        },
      }),
    });

    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'DeployThroughCdkBootstrapRoles',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: BOOTSTRAP_ROLE_KINDS.map(
          (kind) =>
            `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/cdk-${qualifier}-${kind}-role-${Aws.ACCOUNT_ID}-${Aws.REGION}`,
        ),
      }),
    );
    // What `npm run release` calls on AWS (platform/src/aws/*.ts, release/src/aws/*.ts), and nothing more.
    const aliasArns = [LIVE_ALIAS_NAME, PRETRAFFIC_ALIAS_NAME].map((alias) => `${fn.functionArn}:${alias}`);
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'ReleaseMovesItsAliases',
        // UpdateAlias moves live's weights and points pretraffic at the candidate; CreateAlias recreates a
        // missing pretraffic. Lambda may authorize alias calls on the unqualified function ARN, so it is named
        // too: alias names cannot be narrowed there, but no other function can be touched.
        actions: ['lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:CreateAlias'],
        resources: [fn.functionArn, ...aliasArns],
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'ReleaseChecksVersionsExist',
        // Whether the candidate (or a rollback's --to) is published, before anything that could be refused: a read
        // with the version as Qualifier, authorized on the version's ARN (AWS Lambda developer guide, "Fine-tuning
        // the Resources and Conditions sections of policies": function, version or alias ARN).
        actions: ['lambda:GetFunctionConfiguration'],
        resources: [`${fn.functionArn}:*`],
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'ReleaseReadsAliasUrls',
        actions: ['lambda:GetFunctionUrlConfig'],
        resources: aliasArns,
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'ReleaseCallsAliasUrls',
        // The pre-traffic canary and the drift check sign their requests (SigV4) for the AWS_IAM URLs.
        actions: ['lambda:InvokeFunctionUrl'],
        resources: aliasArns,
        conditions: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } },
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'ReleaseInvokesOnlyThroughAliasUrls',
        // Function URLs created since October 2025 also need InvokeFunction; only through the URL, so the role
        // still cannot call Invoke directly.
        actions: ['lambda:InvokeFunction'],
        resources: aliasArns,
        conditions: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'ReleaseSizesProvisionedConcurrency',
        // On the candidate's and the stable version's own qualifiers (numbers unknown at synth) and read on live.
        actions: [
          'lambda:GetProvisionedConcurrencyConfig',
          'lambda:PutProvisionedConcurrencyConfig',
          'lambda:DeleteProvisionedConcurrencyConfig',
        ],
        resources: [`${fn.functionArn}:*`],
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'ReleaseReadsLiveScaling',
        // Application Auto Scaling's Describe calls support no resource-level permissions (Service Authorization
        // Reference, "Actions, resources, and condition keys for AWS Application Auto Scaling").
        actions: [
          'application-autoscaling:DescribeScalableTargets',
          'application-autoscaling:DescribeScalingPolicies',
        ],
        resources: ['*'],
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'ReleaseSuspendsLiveScaling',
        // RegisterScalableTarget takes the scalable-target resource, whose ARN ends in an id AWS assigns at
        // registration (arn:…:scalable-target/1234abcd…; same reference, and aws-cdk issue 28423: CloudFormation
        // does not return it), so this account and region's targets are as tight as IAM allows. The release
        // sends only SuspendedState for live's target (platform/src/aws/aws-scaling.ts).
        actions: ['application-autoscaling:RegisterScalableTarget'],
        resources: [scalableTargetArnPattern()],
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'ReleaseKeepsItsRecord',
        // The lock (Put/Get/DeleteItem), the journal (Query) and its appends (TransactWriteItems authorizes each
        // item: PutItem and ConditionCheckItem), platform/src/aws/dynamodb-release-record.ts.
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
          'dynamodb:ConditionCheckItem',
        ],
        resources: [props.releaseTable.tableArn],
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'ReadStackOutputs',
        actions: ['cloudformation:DescribeStacks'],
        resources: [stackArnPattern(stack.stackName)],
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'ReadSloMetrics',
        // GetMetricData has no resource-level permissions.
        actions: ['cloudwatch:GetMetricData'],
        resources: ['*'],
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'ReadReleaseAlarms',
        actions: ['cloudwatch:DescribeAlarms'],
        resources: props.releaseAlarmNames.map((name) =>
          stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: name,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ),
      }),
    );
  }
}
