import { CfnScalableTarget, CfnScalingPolicy } from 'aws-cdk-lib/aws-applicationautoscaling';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { CfnPermission, CfnUrl, type IFunction, type IVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { PROVISIONED_CONCURRENCY_TARGET_UTILIZATION, type StageSettings } from '../config/stages.ts';
import { type AliasKeeper, keptAlias } from './kept-alias.ts';
import { LIVE_ALIAS_NAME } from './names.ts';

export interface LiveAliasProps {
  readonly keeper: AliasKeeper;
  readonly function: IFunction;
  /** This deploy's version: where `live` points when the stack is first created; later deploys leave it alone. */
  readonly deployedVersion: IVersion;
  /** The release record: where a deploy finds the version to recreate a deleted `live` at. */
  readonly releaseTable: ITable;
  readonly settings: StageSettings;
}

/**
 * The `live` alias, its auto-scaled provisioned concurrency and its Function URL, built so that a deploy never
 * moves production traffic and never resets what scaling or a release did:
 * - the alias is not an AWS::Lambda::Alias (CloudFormation would re-point it to the new version and drop its
 *   weights on every deploy); a custom resource creates it once and on later deploys only checks it is there
 *   (kept-alias.ts). A deleted `live` is recreated at the version the release record says the last finished
 *   release left it on: the one version the stack can vouch for (the alias's own creation version is long stale
 *   after the first release, and this deploy's is unreleased); without such a version the deploy fails with the
 *   repair (infra/alias-keeper/alias-decision.ts). A deleted alias's Function URL is not brought back by a
 *   deploy: the keeper checks it and fails with the commands that make it again (docs/infrastructure.md);
 * - provisioned concurrency is not a fixed ProvisionedConcurrencyConfig on the alias (re-applying a fixed value
 *   throttles a scaled-out alias); Application Auto Scaling owns it, within min/max from the stage settings.
 */
export class LiveAlias extends Construct {
  readonly aliasName = LIVE_ALIAS_NAME;
  readonly url: CfnUrl;

  constructor(scope: Construct, id: string, props: LiveAliasProps) {
    super(scope, id);
    const { function: fn, settings } = props;

    const alias = keptAlias(this, {
      keeper: props.keeper,
      function: fn,
      aliasName: LIVE_ALIAS_NAME,
      deployedVersion: props.deployedVersion,
      description: 'Production traffic; moved only by the release step (UpdateAlias).',
      recreateAt: 'recorded-version',
      releaseTable: props.releaseTable,
    });

    const resourceId = `function:${fn.functionName}:${LIVE_ALIAS_NAME}`;
    // No RoleARN: Application Auto Scaling uses its Lambda service-linked role.
    const scalableTarget = new CfnScalableTarget(this, 'ProvisionedConcurrency', {
      serviceNamespace: 'lambda',
      scalableDimension: 'lambda:function:ProvisionedConcurrency',
      resourceId,
      minCapacity: settings.provisionedConcurrency.min,
      maxCapacity: settings.provisionedConcurrency.max,
    });
    scalableTarget.node.addDependency(alias);
    new CfnScalingPolicy(this, 'TrackUtilization', {
      policyName: `${LIVE_ALIAS_NAME}-provisioned-concurrency-utilization`,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: scalableTarget.ref,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: PROVISIONED_CONCURRENCY_TARGET_UTILIZATION,
        predefinedMetricSpecification: { predefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
      },
    });

    this.url = new CfnUrl(this, 'FunctionUrl', {
      targetFunctionArn: fn.functionArn,
      qualifier: LIVE_ALIAS_NAME,
      authType: settings.functionUrlAuthType,
    });
    this.url.node.addDependency(alias);

    if (settings.functionUrlAuthType === 'NONE') {
      // Since October 2025 a public URL needs both permissions; InvokeFunction only via the URL.
      const aliasArn = `${fn.functionArn}:${LIVE_ALIAS_NAME}`;
      const urlPermission = new CfnPermission(this, 'PublicUrlInvoke', {
        action: 'lambda:InvokeFunctionUrl',
        functionName: aliasArn,
        principal: '*',
        functionUrlAuthType: 'NONE',
      });
      const invokePermission = new CfnPermission(this, 'PublicUrlInvokeFunction', {
        action: 'lambda:InvokeFunction',
        functionName: aliasArn,
        principal: '*',
        invokedViaFunctionUrl: true,
      });
      urlPermission.node.addDependency(alias);
      invokePermission.node.addDependency(alias);
    }
  }
}
