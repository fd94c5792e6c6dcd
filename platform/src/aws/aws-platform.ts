/**
 * AwsPlatform: the Platform port (port.ts) on AWS with SDK v3, one port call to one SDK call where the API
 * allows (scalingTarget reads two: the target and its policy live in two APIs):
 * - readAlias/updateAlias: GetAlias/UpdateAlias on `live` with RevisionId. A refused revision
 *   (PreconditionFailedException) is the port's RevisionConflictError, filled with the revision read again;
 *   so is a ResourceConflictException once that read shows someone moved the alias. A ResourceConflictException
 *   with the alias unmoved (another operation still in progress) is an AwsCallError saying to send it again.
 * - provisioned concurrency: Put/Get/DeleteProvisionedConcurrencyConfig with Qualifier. A missing configuration
 *   reads as null and deletes as nothing. IN_PROGRESS and FAILED come back as read: waiting is the release's job.
 * - scaling: Application Auto Scaling's target `function:<name>:live` (lambda:function:ProvisionedConcurrency)
 *   and its target-tracking policy on LambdaProvisionedConcurrencyUtilization; suspend and resume are
 *   RegisterScalableTarget with SuspendedState alone (min and max left as they are).
 * - versionMetrics: aws-version-metrics.ts.
 * The release record is a ReleaseRecordStore passed in (its AWS store is chosen elsewhere).
 */
import {
  type ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  RegisterScalableTargetCommand,
  type ScalingPolicy,
} from '@aws-sdk/client-application-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  type AliasConfiguration,
  DeleteProvisionedConcurrencyConfigCommand,
  GetAliasCommand,
  GetProvisionedConcurrencyConfigCommand,
  type GetProvisionedConcurrencyConfigCommandOutput,
  type LambdaClient,
  PutProvisionedConcurrencyConfigCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { SLO_DEFINITION, type SloDefinition } from '../../../slo/src/definition.ts';
import {
  type AliasState,
  type AliasUpdate,
  LIVE_ALIAS,
  type MetricsVia,
  type Platform,
  type ProvisionedConcurrency,
  type ProvisionedConcurrencyStatus,
  type ReleaseRecordStore,
  RevisionConflictError,
  type ScalingTarget,
  type TimeRange,
  type VersionMetrics,
} from '../port.ts';
import { awsCallError, callAws, errorCode } from './aws-call.ts';
import { readVersionMetrics } from './aws-version-metrics.ts';

export const SCALING_NAMESPACE = 'lambda';
export const PROVISIONED_CONCURRENCY_DIMENSION = 'lambda:function:ProvisionedConcurrency';
export const PC_UTILIZATION_METRIC = 'LambdaProvisionedConcurrencyUtilization';

const PC_NOT_FOUND = 'ProvisionedConcurrencyConfigNotFoundException';
const PC_STATUSES: readonly string[] = [
  'IN_PROGRESS',
  'READY',
  'FAILED',
] satisfies ProvisionedConcurrencyStatus[];

export interface AwsPlatformOptions {
  readonly functionName: string;
  /** The app's Stage dimension value (its metrics are read by it). */
  readonly stage: string;
  readonly releaseRecord: ReleaseRecordStore;
  readonly clients: {
    readonly lambda: LambdaClient;
    readonly autoScaling: ApplicationAutoScalingClient;
    readonly cloudWatch: CloudWatchClient;
  };
  /** Whose metric names and percentiles versionMetrics reads; the service's own by default. */
  readonly definition?: SloDefinition;
}

export class AwsPlatform implements Platform {
  readonly functionName: string;
  readonly releaseRecord: ReleaseRecordStore;
  readonly #options: AwsPlatformOptions;
  readonly #scalable: {
    ServiceNamespace: 'lambda';
    ScalableDimension: typeof PROVISIONED_CONCURRENCY_DIMENSION;
  };

  constructor(options: AwsPlatformOptions) {
    this.functionName = options.functionName;
    this.releaseRecord = options.releaseRecord;
    this.#options = options;
    this.#scalable = {
      ServiceNamespace: SCALING_NAMESPACE,
      ScalableDimension: PROVISIONED_CONCURRENCY_DIMENSION,
    };
  }

  /** Application Auto Scaling's ResourceId of the live alias. */
  get scalingResourceId(): string {
    return `function:${this.functionName}:${LIVE_ALIAS}`;
  }

  async readAlias(): Promise<AliasState> {
    const alias = await callAws('GetAlias', this.#resource(LIVE_ALIAS), () =>
      this.#options.clients.lambda.send(
        new GetAliasCommand({ FunctionName: this.functionName, Name: LIVE_ALIAS }),
      ),
    );
    return this.#aliasState(alias, 'GetAlias');
  }

  async updateAlias(update: AliasUpdate): Promise<AliasState> {
    const call = 'UpdateAlias';
    let alias: AliasConfiguration;
    try {
      alias = await this.#options.clients.lambda.send(
        new UpdateAliasCommand({
          FunctionName: this.functionName,
          Name: LIVE_ALIAS,
          FunctionVersion: update.version,
          // An empty map clears the weights (promote, roll back); leaving it out would keep the old ones.
          RoutingConfig: { AdditionalVersionWeights: { ...update.weights } },
          RevisionId: update.expectedRevisionId,
        }),
      );
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'PreconditionFailedException' && code !== 'ResourceConflictException')
        throw awsCallError(call, this.#resource(LIVE_ALIAS), error);
      const now = await this.readAlias().catch((readError: unknown) => {
        throw awsCallError(
          call,
          this.#resource(LIVE_ALIAS),
          error,
          `and reading it again failed too (${readError})`,
        );
      });
      if (code === 'ResourceConflictException' && now.revisionId === update.expectedRevisionId) {
        throw awsCallError(
          call,
          this.#resource(LIVE_ALIAS),
          error,
          `the alias is still at revision ${now.revisionId} (another operation on it was in progress): send the ` +
            'same update again',
        );
      }
      throw new RevisionConflictError(LIVE_ALIAS, update.expectedRevisionId, now.revisionId, {
        cause: error,
      });
    }
    return this.#aliasState(alias, call);
  }

  async putProvisionedConcurrency(qualifier: string, executions: number): Promise<ProvisionedConcurrency> {
    if (!(Number.isInteger(executions) && executions >= 1)) {
      throw new RangeError(
        `provisioned concurrency for ${this.#resource(qualifier)} is ${executions}: send a whole number >= 1 ` +
          '(removeProvisionedConcurrency takes it away)',
      );
    }
    const config = await callAws('PutProvisionedConcurrencyConfig', this.#resource(qualifier), () =>
      this.#options.clients.lambda.send(
        new PutProvisionedConcurrencyConfigCommand({
          FunctionName: this.functionName,
          Qualifier: qualifier,
          ProvisionedConcurrentExecutions: executions,
        }),
      ),
    );
    return this.#provisioned(qualifier, config, 'PutProvisionedConcurrencyConfig');
  }

  async provisionedConcurrency(qualifier: string): Promise<ProvisionedConcurrency | null> {
    const config = await this.#getProvisioned(qualifier);
    return config === null ? null : this.#provisioned(qualifier, config, 'GetProvisionedConcurrencyConfig');
  }

  async removeProvisionedConcurrency(qualifier: string): Promise<void> {
    const call = 'DeleteProvisionedConcurrencyConfig';
    try {
      await this.#options.clients.lambda.send(
        new DeleteProvisionedConcurrencyConfigCommand({
          FunctionName: this.functionName,
          Qualifier: qualifier,
        }),
      );
    } catch (error) {
      const code = errorCode(error);
      if (code === PC_NOT_FOUND) return;
      // Lambda documents only ResourceNotFoundException here, for a missing function or qualifier alike: a
      // qualifier that exists with no configuration is already what the caller wants (a second abort).
      if (
        code === 'ResourceNotFoundException' &&
        (await this.#getProvisioned(qualifier).catch(() => undefined)) === null
      )
        return;
      throw awsCallError(call, this.#resource(qualifier), error);
    }
  }

  async scalingTarget(): Promise<ScalingTarget | null> {
    const resource = this.scalingResourceId;
    const targets = await callAws('DescribeScalableTargets', resource, () =>
      this.#options.clients.autoScaling.send(
        new DescribeScalableTargetsCommand({ ...this.#scalable, ResourceIds: [resource] }),
      ),
    );
    const target = targets.ScalableTargets?.find((t) => t.ResourceId === resource);
    if (target === undefined) return null;
    const policy = await this.#trackingPolicy();
    const suspended = target.SuspendedState ?? {};
    return {
      qualifier: LIVE_ALIAS,
      minCapacity: target.MinCapacity ?? 0,
      maxCapacity: target.MaxCapacity ?? 0,
      targetUtilization: policy.TargetTrackingScalingPolicyConfiguration?.TargetValue as number,
      suspendedState: {
        dynamicScalingInSuspended: suspended.DynamicScalingInSuspended === true,
        dynamicScalingOutSuspended: suspended.DynamicScalingOutSuspended === true,
        scheduledScalingSuspended: suspended.ScheduledScalingSuspended === true,
      },
    };
  }

  async suspendScaling(): Promise<ScalingTarget> {
    const previous = await this.scalingTarget();
    if (previous === null) {
      throw new Error(
        `no scalable target is registered for ${this.scalingResourceId} (${PROVISIONED_CONCURRENCY_DIMENSION}): ` +
          'nothing to suspend; register one with its target-tracking policy, or release without suspending',
      );
    }
    await this.#registerSuspendedState({
      DynamicScalingInSuspended: true,
      DynamicScalingOutSuspended: true,
      ScheduledScalingSuspended: previous.suspendedState.scheduledScalingSuspended,
    });
    return previous;
  }

  async resumeScaling(previous: ScalingTarget): Promise<void> {
    if (previous.qualifier !== LIVE_ALIAS) {
      throw new RangeError(
        `resumeScaling got the target of ${previous.qualifier}: send the ScalingTarget suspendScaling returned ` +
          `(qualifier ${LIVE_ALIAS})`,
      );
    }
    const state = previous.suspendedState;
    await this.#registerSuspendedState({
      DynamicScalingInSuspended: state.dynamicScalingInSuspended,
      DynamicScalingOutSuspended: state.dynamicScalingOutSuspended,
      ScheduledScalingSuspended: state.scheduledScalingSuspended,
    });
  }

  versionMetrics(version: string, range: TimeRange, via: MetricsVia): Promise<VersionMetrics> {
    return readVersionMetrics(this.#options.clients.cloudWatch, {
      definition: this.#options.definition ?? SLO_DEFINITION,
      functionName: this.functionName,
      stage: this.#options.stage,
      version,
      range,
      via,
    });
  }

  #resource(qualifier: string): string {
    return `${this.functionName}:${qualifier}`;
  }

  #aliasState(alias: AliasConfiguration, call: string): AliasState {
    if (alias.FunctionVersion === undefined || alias.RevisionId === undefined) {
      throw new Error(
        `${call} for ${this.#resource(LIVE_ALIAS)} answered without FunctionVersion or RevisionId: ` +
          `${JSON.stringify(alias)}`,
      );
    }
    return {
      name: alias.Name ?? LIVE_ALIAS,
      version: alias.FunctionVersion,
      weights: { ...(alias.RoutingConfig?.AdditionalVersionWeights ?? {}) },
      revisionId: alias.RevisionId,
    };
  }

  async #getProvisioned(qualifier: string): Promise<GetProvisionedConcurrencyConfigCommandOutput | null> {
    try {
      return await this.#options.clients.lambda.send(
        new GetProvisionedConcurrencyConfigCommand({ FunctionName: this.functionName, Qualifier: qualifier }),
      );
    } catch (error) {
      if (errorCode(error) === PC_NOT_FOUND) return null;
      throw awsCallError('GetProvisionedConcurrencyConfig', this.#resource(qualifier), error);
    }
  }

  #provisioned(
    qualifier: string,
    config: GetProvisionedConcurrencyConfigCommandOutput,
    call: string,
  ): ProvisionedConcurrency {
    const status = config.Status;
    if (status === undefined || !PC_STATUSES.includes(status)) {
      throw new Error(
        `${call} for ${this.#resource(qualifier)} answered status ${status}, not one of ${PC_STATUSES.join(', ')}: ` +
          'the port does not know it; update aws-platform.ts',
      );
    }
    return {
      qualifier,
      requested: config.RequestedProvisionedConcurrentExecutions ?? 0,
      // Absent until Lambda has allocated any (a fresh IN_PROGRESS configuration).
      allocated: config.AllocatedProvisionedConcurrentExecutions ?? 0,
      available: config.AvailableProvisionedConcurrentExecutions ?? 0,
      status: status as ProvisionedConcurrencyStatus,
      ...(config.StatusReason === undefined ? {} : { statusReason: config.StatusReason }),
    };
  }

  async #trackingPolicy(): Promise<ScalingPolicy> {
    const resource = this.scalingResourceId;
    const policies: ScalingPolicy[] = [];
    let nextToken: string | undefined;
    do {
      const page = await callAws('DescribeScalingPolicies', resource, () =>
        this.#options.clients.autoScaling.send(
          new DescribeScalingPoliciesCommand({
            ...this.#scalable,
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
    return tracking[0] as ScalingPolicy;
  }

  async #registerSuspendedState(state: {
    DynamicScalingInSuspended: boolean;
    DynamicScalingOutSuspended: boolean;
    ScheduledScalingSuspended: boolean;
  }): Promise<void> {
    await callAws('RegisterScalableTarget', this.scalingResourceId, () =>
      this.#options.clients.autoScaling.send(
        new RegisterScalableTargetCommand({
          ...this.#scalable,
          ResourceId: this.scalingResourceId,
          SuspendedState: state,
        }),
      ),
    );
  }
}
