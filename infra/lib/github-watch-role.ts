import { OidcProviderNative, OpenIdConnectPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Aws } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { GITHUB_OIDC } from './names.ts';

export interface GithubWatchRoleProps {
  /** `owner/name` of the one repository whose workflows may assume the role. */
  readonly repository: string;
  /** The branch whose runs (slo-watch.yml's schedule runs on the default branch) may assume it. */
  readonly branch: string;
  /** The stage it reads, for its description. */
  readonly stage: string;
}

/** What `npm run slo:report` calls on AWS (slo/src/cloudwatch-series.ts), and nothing else. */
export const WATCH_ROLE_ACTIONS = ['cloudwatch:GetMetricData'] as const;

/**
 * The read-only role slo-watch.yml assumes to run `npm run slo:report`. A scheduled run has no environment (GitHub
 * runs a schedule on the default branch and no job there waits for reviewers), so the role trusts the branch's ref
 * subject: any job on main may assume it, which is acceptable because it can only read metrics; nothing it can
 * do changes the stage or reads a secret. It cannot be the deploy role, whose trust must stay the environment's.
 */
export class GithubWatchRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: GithubWatchRoleProps) {
    super(scope, id);
    const { repository, branch, stage } = props;
    const provider = OidcProviderNative.fromOidcProviderArn(
      this,
      'GithubProvider',
      `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:oidc-provider/${GITHUB_OIDC.host}`,
    );
    this.role = new Role(this, 'Role', {
      description: `GitHub Actions SLO watch for ${repository} (${branch}): reads the ${stage} metrics, nothing else`,
      assumedBy: new OpenIdConnectPrincipal(provider, {
        StringEquals: {
          [`${GITHUB_OIDC.host}:aud`]: GITHUB_OIDC.audience,
          [`${GITHUB_OIDC.host}:sub`]: `repo:${repository}:ref:refs/heads/${branch}`,
        },
      }),
    });
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'ReadSloMetrics',
        // GetMetricData has no resource-level permissions (Service Authorization Reference, Amazon CloudWatch).
        actions: [...WATCH_ROLE_ACTIONS],
        resources: ['*'],
      }),
    );
  }
}
