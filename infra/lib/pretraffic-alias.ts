import { CfnUrl, type IFunction, type IVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { type AliasKeeper, keptAlias } from './kept-alias.ts';
import { PRETRAFFIC_ALIAS_NAME } from './names.ts';

export interface PretrafficAliasProps {
  readonly keeper: AliasKeeper;
  readonly function: IFunction;
  /** This deploy's version: where the alias points when the stack is first created or it went missing. */
  readonly deployedVersion: IVersion;
}

/**
 * The `pretraffic` alias and its Function URL: how a release reaches its candidate alone, with no production
 * traffic (a Function URL names an alias, never a version; platform/src/aws/aws-function-urls.ts moves it).
 * - created once by a custom resource (kept-alias.ts), like `live`, so a deploy never moves it under a release
 *   that is testing through it; a create that finds it already there (a release made it before this stack had
 *   it) keeps it; a deleted one is recreated at this deploy's version, which is harmless here (no traffic);
 * - its URL is AWS_IAM whatever the stage's live URL is: only the release's own credentials may call it;
 * - no provisioned concurrency and no weights: it must not take a version's one PC configuration, nor traffic.
 */
export class PretrafficAlias extends Construct {
  readonly aliasName = PRETRAFFIC_ALIAS_NAME;
  readonly url: CfnUrl;

  constructor(scope: Construct, id: string, props: PretrafficAliasProps) {
    super(scope, id);
    const { function: fn } = props;
    const alias = keptAlias(this, {
      keeper: props.keeper,
      function: fn,
      aliasName: PRETRAFFIC_ALIAS_NAME,
      deployedVersion: props.deployedVersion,
      description: 'The release candidate alone for pre-traffic tests; no production traffic, no PC.',
      recreateAt: 'deployed-version',
    });

    this.url = new CfnUrl(this, 'FunctionUrl', {
      targetFunctionArn: fn.functionArn,
      qualifier: PRETRAFFIC_ALIAS_NAME,
      authType: 'AWS_IAM',
    });
    this.url.node.addDependency(alias);
  }
}
