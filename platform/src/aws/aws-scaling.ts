/**
 * The live alias's Application Auto Scaling on AWS: its scalable target (ServiceNamespace lambda, dimension
 * lambda:function:ProvisionedConcurrency, ResourceId function:<name>:live) and its target-tracking policy on
 * LambdaProvisionedConcurrencyUtilization, read as the port's ScalingTarget. Suspend and resume are
 * RegisterScalableTarget with SuspendedState alone: AWS keeps min and max as they are when a call to an
 * existing target leaves them out, so a release never rewrites the range it only meant to pause.
 */
import {
  type ApplicationAutoScalingClient,
  type SuspendedState as AwsSuspendedState,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  RegisterScalableTargetCommand,
  type ScalingPolicy,
} from '@aws-sdk/client-application-auto-scaling';
import { LIVE_ALIAS, type ScalingTarget } from '../port.ts';
import { callAws } from './aws-call.ts';

export const SCALING_NAMESPACE = 'lambda';
export const PROVISIONED_CONCURRENCY_DIMENSION = 'lambda:function:ProvisionedConcurrency';
export const PC_UTILIZATION_METRIC = 'LambdaProvisionedConcurrencyUtilization';

const SCALABLE = {
  ServiceNamespace: SCALING_NAMESPACE,
  ScalableDimension: PROVISIONED_CONCURRENCY_DIMENSION,
} as const;

/** Application Auto Scaling's ResourceId of the function's live alias. */
export const scalingResourceId = (functionName: string) => `function:${functionName}:${LIVE_ALIAS}`;

export class LiveAliasScaling {
  readonly resourceId: string;

  readonly #client: ApplicationAutoScalingClient;

  constructor(client: ApplicationAutoScalingClient, functionName: string) {
    this.#client = client;
    this.resourceId = scalingResourceId(functionName);
  }

  /** DescribeScalableTargets plus DescribeScalingPolicies; null when no target is registered. */
  async read(): Promise<ScalingTarget | null> {
    const resource = this.resourceId;
    const targets = await callAws('DescribeScalableTargets', resource, () =>
      this.#client.send(new DescribeScalableTargetsCommand({ ...SCALABLE, ResourceIds: [resource] })),
    );
    const target = targets.ScalableTargets?.find((t) => t.ResourceId === resource);
    if (target === undefined) return null;
    const targetUtilization = await this.#trackedUtilization();
    const suspended = target.SuspendedState ?? {};
    return {
      qualifier: LIVE_ALIAS,
      minCapacity: target.MinCapacity ?? 0,
      maxCapacity: target.MaxCapacity ?? 0,
      targetUtilization,
      suspendedState: {
        dynamicScalingInSuspended: suspended.DynamicScalingInSuspended === true,
        dynamicScalingOutSuspended: suspended.DynamicScalingOutSuspended === true,
        scheduledScalingSuspended: suspended.ScheduledScalingSuspended === true,
      },
    };
  }

  /** Suspends dynamic scaling in and out, scheduled scaling as it was; returns the target as it was. */
  async suspend(): Promise<ScalingTarget> {
    const previous = await this.read();
    if (previous === null) {
      throw new Error(
        `no scalable target is registered for ${this.resourceId} (${PROVISIONED_CONCURRENCY_DIMENSION}): ` +
          'nothing to suspend; register one with its target-tracking policy, or release without suspending',
      );
    }
    await this.#register({
      DynamicScalingInSuspended: true,
      DynamicScalingOutSuspended: true,
      ScheduledScalingSuspended: previous.suspendedState.scheduledScalingSuspended,
    });
    return previous;
  }

  /** Registers exactly `previous`'s suspended state. */
  async resume(previous: ScalingTarget): Promise<void> {
    if (previous.qualifier !== LIVE_ALIAS) {
      throw new RangeError(
        `resumeScaling got the target of ${previous.qualifier}: send the ScalingTarget suspendScaling returned ` +
          `(qualifier ${LIVE_ALIAS})`,
      );
    }
    const state = previous.suspendedState;
    await this.#register({
      DynamicScalingInSuspended: state.dynamicScalingInSuspended,
      DynamicScalingOutSuspended: state.dynamicScalingOutSuspended,
      ScheduledScalingSuspended: state.scheduledScalingSuspended,
    });
  }

  /** The TargetValue of the one target-tracking policy on PC utilization; an error for none or several. */
  async #trackedUtilization(): Promise<number> {
    const resource = this.resourceId;
    const policies: ScalingPolicy[] = [];
    let nextToken: string | undefined;
    do {
      const page = await callAws('DescribeScalingPolicies', resource, () =>
        this.#client.send(
          new DescribeScalingPoliciesCommand({
            ...SCALABLE,
            ResourceId: resource,
            ...(nextToken === undefined ? {} : { NextToken: nextToken }),
          }),
        ),
      );
      policies.push(...(page.ScalingPolicies ?? []));
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    const tracking = policies.filter(
      (p) =>
        p.PolicyType === 'TargetTrackingScaling' &&
        p.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification?.PredefinedMetricType ===
          PC_UTILIZATION_METRIC,
    );
    const value = tracking[0]?.TargetTrackingScalingPolicyConfiguration?.TargetValue;
    if (tracking.length !== 1 || value === undefined || !(value > 0 && value < 1)) {
      throw new Error(
        `${resource} has ${tracking.length} target-tracking policies on ${PC_UTILIZATION_METRIC}` +
          `${tracking.length === 1 ? ` with TargetValue ${value}` : ''}; the port reads exactly one, with ` +
          '0 < TargetValue < 1: keep one such policy on the scalable target',
      );
    }
    return value;
  }

  async #register(state: Required<AwsSuspendedState>): Promise<void> {
    await callAws('RegisterScalableTarget', this.resourceId, () =>
      this.#client.send(
        new RegisterScalableTargetCommand({
          ...SCALABLE,
          ResourceId: this.resourceId,
          SuspendedState: state,
        }),
      ),
    );
  }
}
