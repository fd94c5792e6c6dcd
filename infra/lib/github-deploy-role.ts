import { DefaultStackSynthesizer } from 'aws-cdk-lib';
import { OidcProviderNative, OpenIdConnectPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ArnFormat, Aws, Duration, Stack } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { GITHUB_OIDC } from './names.ts';

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
  /** The page-level alarms a release reads: any of them in ALARM during a release means roll back. */
  readonly releaseAlarmNames: readonly string[];
  /** CDK bootstrap qualifier; `hnb659fds` unless the account was bootstrapped with another. */
  readonly bootstrapQualifier?: string;
}

/** This stack's ARN whatever id CloudFormation gave it; region and account as tokens so the text is stable. */
export function stackArnPattern(stackName: string): string {
  return `arn:${Aws.PARTITION}:cloudformation:${Aws.REGION}:${Aws.ACCOUNT_ID}:stack/${stackName}/*`;
}

/** The roles `cdk bootstrap` creates; deploying through them keeps CloudFormation rights out of this role. */
const BOOTSTRAP_ROLE_KINDS = ['deploy', 'file-publishing', 'image-publishing', 'lookup'] as const;

/**
 * The role GitHub Actions assumes through OIDC, with no long-lived keys. It can deploy only through the CDK
 * bootstrap roles, and release only by moving this function's alias. The OIDC provider is account-wide and is
 * created once by GithubOidcStack; this role refers to it by its well-known ARN.
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
      maxSessionDuration: Duration.hours(1),
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
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'ReleaseByMovingTheLiveAlias',
        actions: [
          'lambda:GetAlias',
          'lambda:UpdateAlias',
          'lambda:PublishVersion',
          'lambda:InvokeFunction',
          'lambda:GetFunctionConfiguration',
          'lambda:GetProvisionedConcurrencyConfig',
        ],
        // Unqualified for alias and version actions; `:*` for the qualified ARNs (versions, `live`) that
        // InvokeFunction and the configuration reads name.
        resources: [fn.functionArn, `${fn.functionArn}:*`],
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
