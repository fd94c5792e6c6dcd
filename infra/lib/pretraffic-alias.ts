import { CfnUrl, type IFunction, type IVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { aliasCreatedOnce } from './alias-created-once.ts';
import { PRETRAFFIC_ALIAS_NAME } from './names.ts';

export interface PretrafficAliasProps {
  readonly function: IFunction;
  /** Where the alias points when the stack is first created; after that only a release moves it. */
  readonly initialVersion: IVersion;
}

/**
 * The `pretraffic` alias and its Function URL: how a release reaches its candidate alone, with no production
 * traffic (a Function URL names an alias, never a version; platform/src/aws/aws-function-urls.ts moves it).
 * - created once by a custom resource (alias-created-once.ts), like `live`, so a deploy never moves it under a
 *   release that is testing through it; a create that finds it already there (a release made it before this
 *   stack had it) keeps it;
 * - its URL is AWS_IAM whatever the stage's live URL is: only the release's own credentials may call it;
 * - no provisioned concurrency and no weights: it must not take a version's one PC configuration, nor traffic.
 */
export class PretrafficAlias extends Construct {
  readonly aliasName = PRETRAFFIC_ALIAS_NAME;
  readonly url: CfnUrl;

  constructor(scope: Construct, id: string, props: PretrafficAliasProps) {
    super(scope, id);
    const { function: fn, initialVersion } = props;
    const alias = aliasCreatedOnce(this, {
      function: fn,
      aliasName: PRETRAFFIC_ALIAS_NAME,
      initialVersion,
      description: 'The release candidate alone for pre-traffic tests; no production traffic, no PC.',
      keepExisting: true,
    });

    this.url = new CfnUrl(this, 'FunctionUrl', {
      targetFunctionArn: fn.functionArn,
      qualifier: PRETRAFFIC_ALIAS_NAME,
      authType: 'AWS_IAM',
    });
    this.url.node.addDependency(alias);
  }
}
