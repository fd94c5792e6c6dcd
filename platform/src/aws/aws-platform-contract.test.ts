/**
 * The port's promises that hold without a daemon (testing/platform-contract.ts, which port-contract.test.ts runs
 * on LocalPlatform too), kept by AwsPlatform over a small stateful stand-in for Lambda and Application Auto
 * Scaling (aws-sdk-client-mock's callsFake, answering as the APIs document: a stale RevisionId is a
 * PreconditionFailedException, RegisterScalableTarget keeps what it is not sent). versionMetrics' `via` promise is
 * about what CloudWatch counts, which no stand-in here could prove (aws-version-metrics.test.ts checks the series
 * it asks for).
 */
import {
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  RegisterScalableTargetCommand,
  type SuspendedState,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DeleteProvisionedConcurrencyConfigCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  GetProvisionedConcurrencyConfigCommand,
  PreconditionFailedException,
  ProvisionedConcurrencyConfigNotFoundException,
  PutProvisionedConcurrencyConfigCommand,
  ResourceNotFoundException,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { beforeEach, describe, expect } from 'vitest';
import type { Platform } from '../port.ts';
import { MOCKED_FUNCTION, mockedAwsPlatform } from '../testing/mocked-aws-platform.ts';
import { platformContract } from '../testing/platform-contract.ts';

const mocked = mockedAwsPlatform();
const { lambda, autoScaling } = mocked;
const platform: Platform = mocked.platform;
const $metadata = { attempts: 1 };

/** The function's published versions in the stand-in "AWS". */
const PUBLISHED = ['1', '2'];

/** What the stand-in "AWS" holds. */
let alias: { version: string; weights: Record<string, number>; revision: number };
let provisioned: Map<string, { requested: number; reads: number }>;
let suspendedState: Required<SuspendedState>;

beforeEach(() => {
  alias = { version: '1', weights: {}, revision: 1 };
  provisioned = new Map();
  suspendedState = {
    DynamicScalingInSuspended: false,
    DynamicScalingOutSuspended: false,
    ScheduledScalingSuspended: false,
  };
  lambda.reset();
  autoScaling.reset();
  const aliasAnswer = () => ({
    Name: 'live',
    FunctionVersion: alias.version,
    RoutingConfig: { AdditionalVersionWeights: { ...alias.weights } },
    RevisionId: `rev-${alias.revision}`,
    $metadata,
  });
  lambda.on(GetAliasCommand).callsFake(aliasAnswer);
  lambda.on(GetFunctionConfigurationCommand).callsFake((input) => {
    if (!PUBLISHED.includes(input.Qualifier))
      throw new ResourceNotFoundException({ message: `Function not found: ${input.Qualifier}`, $metadata });
    return { Version: input.Qualifier, $metadata };
  });
  lambda.on(UpdateAliasCommand).callsFake((input) => {
    if (input.RevisionId !== `rev-${alias.revision}`)
      throw new PreconditionFailedException({ message: 'The RevisionId provided does not match', $metadata });
    alias = {
      version: input.FunctionVersion,
      weights: { ...input.RoutingConfig?.AdditionalVersionWeights },
      revision: alias.revision + 1,
    };
    return aliasAnswer();
  });
  // Allocation takes a read: the first Get after a Put answers IN_PROGRESS, the next READY.
  const config = (qualifier: string) => {
    const found = provisioned.get(qualifier);
    if (!found) throw new ProvisionedConcurrencyConfigNotFoundException({ message: 'No config', $metadata });
    const ready = found.reads > 0;
    found.reads += 1;
    return {
      RequestedProvisionedConcurrentExecutions: found.requested,
      AllocatedProvisionedConcurrentExecutions: ready ? found.requested : 0,
      AvailableProvisionedConcurrentExecutions: ready ? found.requested : 0,
      Status: ready ? 'READY' : 'IN_PROGRESS',
      $metadata,
    };
  };
  lambda.on(PutProvisionedConcurrencyConfigCommand).callsFake((input) => {
    provisioned.set(input.Qualifier, { requested: input.ProvisionedConcurrentExecutions, reads: 0 });
    return config(input.Qualifier);
  });
  lambda.on(GetProvisionedConcurrencyConfigCommand).callsFake((input) => config(input.Qualifier));
  lambda.on(DeleteProvisionedConcurrencyConfigCommand).callsFake((input) => {
    config(input.Qualifier);
    provisioned.delete(input.Qualifier);
    return { $metadata };
  });
  autoScaling.on(DescribeScalableTargetsCommand).callsFake((input) => ({
    ScalableTargets: [
      {
        ServiceNamespace: 'lambda',
        ScalableDimension: 'lambda:function:ProvisionedConcurrency',
        ResourceId: input.ResourceIds?.[0],
        MinCapacity: 0,
        MaxCapacity: 2,
        RoleARN: 'arn:role',
        CreationTime: new Date(0),
        SuspendedState: { ...suspendedState },
      },
    ],
    $metadata,
  }));
  autoScaling.on(DescribeScalingPoliciesCommand).resolves({
    ScalingPolicies: [
      {
        PolicyARN: 'arn:policy',
        PolicyName: 'utilization',
        ServiceNamespace: 'lambda',
        ResourceId: `function:${MOCKED_FUNCTION}:live`,
        ScalableDimension: 'lambda:function:ProvisionedConcurrency',
        PolicyType: 'TargetTrackingScaling',
        CreationTime: new Date(0),
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 0.5,
          PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
        },
      },
    ],
  });
  // RegisterScalableTarget on an existing target changes only what it is sent.
  autoScaling.on(RegisterScalableTargetCommand).callsFake((input) => {
    suspendedState = { ...suspendedState, ...input.SuspendedState };
    return { $metadata };
  });
});

describe('the Platform port, on AwsPlatform over a stand-in AWS', () => {
  platformContract({
    platform: () => platform,
    otherVersion: () => '2',
    scalingTarget: async () => {
      const registered = await platform.scalingTarget();
      expect(registered).not.toBeNull();
      return registered as NonNullable<typeof registered>;
    },
    provisionable: async () => ({ version: '2' }),
  });
});
