import { Validations } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { Stack } from 'aws-cdk-lib/core';
import type { BurnRatePublisher } from './burn-rate-publisher.ts';
import type { GithubDeployRole } from './github-deploy-role.ts';
import type { GithubWatchRole } from './github-watch-role.ts';
import type { AliasKeeper } from './kept-alias.ts';
import type { PredictionFunction } from './prediction-function.ts';

export interface NagScope {
  readonly stack: Stack;
  readonly predictor: PredictionFunction;
  readonly deployRole: GithubDeployRole;
  readonly watchRole: GithubWatchRole;
  readonly keeper: AliasKeeper;
  /** Absent when no alarm reads a published burn rate. */
  readonly publisher: BurnRatePublisher | undefined;
}

/**
 * Every cdk-nag AwsSolutions finding this stack accepts, each on the narrowest construct, by its full finding
 * id, with the reason it is safe. Anything not listed here fails `cdk synth` and the tests.
 */
export function acknowledgeNagFindings({
  stack,
  predictor,
  deployRole,
  watchRole,
  keeper,
  publisher,
}: NagScope): void {
  const functionLogicalId = stack.resolve(
    stack.getLogicalId(predictor.function.node.defaultChild as CfnFunction),
  );
  const release = Validations.of(deployRole.role);
  release.acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
    reason:
      'Qualified ARNs of this one function only, for provisioned concurrency alone: the release puts and removes ' +
      "it on the candidate's and the stable version's own qualifiers (numbers unknown at synth) and reads live's.",
  });
  release.acknowledge({
    // scalableTargetArnPattern() as cdk-nag prints it.
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:application-autoscaling:<AWS::Region>:<AWS::AccountId>:scalable-target/*]',
    reason:
      "RegisterScalableTarget (suspend and resume live's scaling) takes the scalable target's ARN, which ends " +
      'in an id AWS assigns at registration and CloudFormation does not return: this account and region is the ' +
      'tightest scope IAM allows.',
  });
  release.acknowledge({
    // stackArnPattern() as cdk-nag prints it: pseudo parameters in angle brackets.
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/${stack.stackName}/*]`,
    reason:
      'DescribeStacks on this stack only; the suffix is the stack id CloudFormation assigns at creation.',
  });
  release.acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'cloudwatch:GetMetricData (the SLO gate reads metrics) and application-autoscaling:' +
      "DescribeScalableTargets and DescribeScalingPolicies (the release reads live's scaling) support no " +
      'resource-level permissions.',
  });

  Validations.of(watchRole.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'cloudwatch:GetMetricData, the only action of the SLO watch role, supports no resource-level permissions.',
  });

  if (publisher !== undefined) {
    Validations.of(publisher.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudwatch:GetMetricData and PutMetricData support no resource-level permissions; PutMetricData is ' +
        'limited to the service namespace by a cloudwatch:namespace condition.',
    });
    Validations.of(publisher.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22, the runtime the predictor image and CI run: the publisher shares its code (slo/src) and ' +
        'moves to a newer runtime together with them.',
    });
  }

  Validations.of(keeper.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
    reason:
      "GetFunctionConfiguration only, on this one function's qualified ARNs: whether the version the release " +
      'record names still exists (its number is unknown at synth) before a deleted live is recreated at it.',
  });
  Validations.of(keeper.function).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Node.js 22, the runtime the predictor image and CI run: the alias keeper shares their code (platform/src, ' +
      'release/src) and moves to a newer runtime together with them.',
  });
}
