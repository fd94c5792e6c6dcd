import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction, IVersion } from 'aws-cdk-lib/aws-lambda';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';

export interface AliasCreatedOnceProps {
  readonly function: IFunction;
  readonly aliasName: string;
  /** Where the alias points when the stack is first created; after that only a release moves it. */
  readonly initialVersion: IVersion;
  readonly description: string;
  /**
   * A create that finds the alias already there (a release made it before this stack had it) keeps it instead of
   * failing. Such a create has no response, so the resource is then named by the alias's ARN built here rather
   * than the AliasArn createAlias answers.
   */
  readonly keepExisting: boolean;
}

/**
 * An alias that a custom resource creates once, as its `CreateOnce` child of `scope`, and that later deploys only
 * read: not an AWS::Lambda::Alias, which CloudFormation would re-point to the new version (dropping its weights)
 * on every deploy, moving traffic under a release. The construct id and physical id are what existing stacks
 * hold: changing either replaces the resource.
 */
export function aliasCreatedOnce(scope: Construct, props: AliasCreatedOnceProps): AwsCustomResource {
  const { function: fn, aliasName, initialVersion, description, keepExisting } = props;
  const physicalResourceId = keepExisting
    ? PhysicalResourceId.of(`${fn.functionArn}:${aliasName}`)
    : PhysicalResourceId.fromResponse('AliasArn');
  return new AwsCustomResource(scope, 'CreateOnce', {
    onCreate: {
      service: 'Lambda',
      action: 'createAlias',
      parameters: {
        FunctionName: fn.functionName,
        Name: aliasName,
        FunctionVersion: initialVersion.version,
        Description: description,
      },
      ...(keepExisting ? { ignoreErrorCodesMatching: 'ResourceConflictException' } : {}),
      physicalResourceId,
    },
    // A read, so that an update changes nothing yet fails loudly if the alias has gone missing.
    onUpdate: {
      service: 'Lambda',
      action: 'getAlias',
      parameters: { FunctionName: fn.functionName, Name: aliasName },
      physicalResourceId,
    },
    // No onDelete: deleting the function deletes its aliases.
    policy: AwsCustomResourcePolicy.fromStatements([
      new PolicyStatement({
        actions: ['lambda:CreateAlias', 'lambda:GetAlias'],
        resources: [fn.functionArn],
      }),
    ]),
    installLatestAwsSdk: false,
  });
}
