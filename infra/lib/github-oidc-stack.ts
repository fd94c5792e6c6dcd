import { OidcProviderNative } from 'aws-cdk-lib/aws-iam';
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import { GITHUB_OIDC } from './names.ts';

/**
 * GitHub's OIDC identity provider. An account can register a provider URL only once, so it lives in its own
 * stack, deployed once per account and shared by every stage's deploy role.
 */
export class GithubOidcStack extends Stack {
  readonly provider: OidcProviderNative;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.provider = new OidcProviderNative(this, 'GithubProvider', {
      url: GITHUB_OIDC.url,
      clientIds: [GITHUB_OIDC.audience],
      // Every stage's deploy role trusts it; deleting this stack must not lock CI out of the account.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
