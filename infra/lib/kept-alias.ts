import { fileURLToPath } from 'node:url';
import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction, IVersion } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RecreateAt } from '../alias-keeper/alias-decision.ts';
import { HELPER_FUNCTION_DEFAULTS, helperFunctionEnvironment } from './helper-function.ts';
import { retentionOf } from './log-retention.ts';
import { LIVE_ALIAS_NAME, PRETRAFFIC_ALIAS_NAME } from './names.ts';

const HANDLER_ENTRY = fileURLToPath(new URL('../alias-keeper/handler.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface AliasKeeperProps {
  /** The function whose aliases it keeps; it may touch no other. */
  readonly function: IFunction;
  /** The release record, read (never written) to find where a deleted live was. */
  readonly releaseTable: ITable;
  readonly logRetentionDays: number;
}

/**
 * The one function behind every `Custom::KeptAlias` of the stack (infra/alias-keeper/handler.ts): creates an alias
 * once, leaves it alone on every later deploy, recreates a missing one where that is safe and fails the deploy when
 * the alias's Function URL is gone. Its rights: read and create the stack's two aliases, read their URL configs,
 * read whether a version exists, read the release record, write its own logs.
 */
export class AliasKeeper extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: AliasKeeperProps) {
    super(scope, id);
    const fn = props.function;
    const logGroup = new LogGroup(this, 'Logs', {
      retention: retentionOf(props.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description:
        "Keeps the shiftgate predictor's live and pretraffic aliases: reads them, creates a missing one.",
    });
    const statements = [
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
      new PolicyStatement({
        // Lambda may authorize alias calls on the unqualified function ARN as well as the alias's.
        actions: ['lambda:GetAlias', 'lambda:CreateAlias', 'lambda:GetFunctionUrlConfig'],
        resources: [
          fn.functionArn,
          ...[LIVE_ALIAS_NAME, PRETRAFFIC_ALIAS_NAME].map((a) => `${fn.functionArn}:${a}`),
        ],
      }),
      new PolicyStatement({
        // Whether the recorded version still exists: a version's qualified ARN, its number unknown at synth.
        actions: ['lambda:GetFunctionConfiguration'],
        resources: [`${fn.functionArn}:*`],
      }),
      new PolicyStatement({
        // The lock (GetItem) and the journal (Query), platform/src/aws/dynamodb-release-record.ts.
        actions: ['dynamodb:GetItem', 'dynamodb:Query'],
        resources: [props.releaseTable.tableArn],
      }),
    ];
    for (const statement of statements) this.role.addToPolicy(statement);

    this.function = new NodejsFunction(this, 'Function', {
      description: "shiftgate: keeps the predictor's live and pretraffic aliases across deploys",
      ...HELPER_FUNCTION_DEFAULTS,
      entry: HANDLER_ENTRY,
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}/package-lock.json`,
      // A few Lambda and DynamoDB calls; CloudFormation waits up to an hour for an answer that never comes.
      timeout: Duration.minutes(1),
      role: this.role,
      logGroup,
      environment: helperFunctionEnvironment(),
    });
  }
}

export interface KeptAliasProps {
  readonly keeper: AliasKeeper;
  readonly function: IFunction;
  readonly aliasName: string;
  /** This deploy's version: where the alias is created on the stack's first deploy. */
  readonly deployedVersion: IVersion;
  readonly description: string;
  readonly recreateAt: RecreateAt;
  /** Where the release record is, for recreateAt 'recorded-version'. */
  readonly releaseTable?: ITable;
}

/**
 * An alias that a deploy creates once and never moves: not an AWS::Lambda::Alias, which CloudFormation would
 * re-point to the new version (dropping its weights) on every deploy, moving traffic under a release. Its one
 * changing property is DeployedVersion, so every deploy that publishes a version runs the update, which checks
 * the alias and its Function URL are still there; a deploy that publishes none (only other resources changed)
 * does not look. No property is made to change on every synth instead: the template would then differ on every
 * run, and the pull request's infrastructure diff would always show a change.
 */
export function keptAlias(scope: Construct, props: KeptAliasProps): CustomResource {
  return new CustomResource(scope, 'Kept', {
    serviceToken: props.keeper.function.functionArn,
    resourceType: 'Custom::KeptAlias',
    properties: {
      FunctionName: props.function.functionName,
      FunctionArn: props.function.functionArn,
      AliasName: props.aliasName,
      DeployedVersion: props.deployedVersion.version,
      Description: props.description,
      RecreateAt: props.recreateAt,
      ...(props.releaseTable === undefined ? {} : { ReleaseTable: props.releaseTable.tableName }),
    },
  });
}
