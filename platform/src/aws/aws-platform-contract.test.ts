/**
 * The port's promises of port-contract.test.ts that hold without a daemon, kept by AwsPlatform over a small
 * stateful stand-in for Lambda and Application Auto Scaling (aws-sdk-client-mock's callsFake, answering as
 * the APIs document: a stale RevisionId is a PreconditionFailedException, RegisterScalableTarget keeps what it
 * is not sent). Each test below is one promise there; versionMetrics' `via` promise is about what CloudWatch
 * counts, which no stand-in here could prove (aws-version-metrics.test.ts checks the series it asks for).
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
  GetProvisionedConcurrencyConfigCommand,
  PreconditionFailedException,
  ProvisionedConcurrencyConfigNotFoundException,
  PutProvisionedConcurrencyConfigCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { shiftUpdate } from '../alias.ts';
import { type Platform, RevisionConflictError } from '../port.ts';
import { MOCKED_FUNCTION, mockedAwsPlatform } from '../testing/mocked-aws-platform.ts';

const mocked = mockedAwsPlatform();
const { lambda, autoScaling } = mocked;
const platform: Platform = mocked.platform;
const $metadata = { attempts: 1 };

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
  it('refuses an update planned from a stale revision and leaves the alias as it was', async () => {
    const before = await platform.readAlias();
    const stale = shiftUpdate(before, '2', 0.1);
    const moved = await platform.updateAlias(shiftUpdate(before, '2', 0.2));
    const error = await platform.updateAlias(stale).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RevisionConflictError);
    expect(error).toMatchObject({
      expectedRevisionId: before.revisionId,
      actualRevisionId: moved.revisionId,
    });
    expect(await platform.readAlias()).toEqual(moved);
    const back = await platform.updateAlias({
      version: '1',
      weights: {},
      expectedRevisionId: moved.revisionId,
    });
    expect(back).toMatchObject({ version: '1', weights: {} });
  });

  it('suspends scaling returning the target as it was, and resumes exactly that state', async () => {
    const registered = await platform.scalingTarget();
    expect(registered).not.toBeNull();
    // Someone suspended scale-in alone before the release: resume must bring back that, not "nothing suspended".
    const partly = {
      ...(registered as NonNullable<typeof registered>),
      suspendedState: {
        ...(registered as NonNullable<typeof registered>).suspendedState,
        dynamicScalingInSuspended: true,
      },
    };
    await platform.resumeScaling(partly);
    const previous = await platform.suspendScaling();
    expect(previous).toEqual(partly);
    expect((await platform.scalingTarget())?.suspendedState).toMatchObject({
      dynamicScalingInSuspended: true,
      dynamicScalingOutSuspended: true,
    });
    await platform.resumeScaling(previous);
    expect(await platform.scalingTarget()).toEqual(partly);
  });

  it('puts provisioned concurrency on a version, reads it back as AWS reports it, and removes it', async () => {
    expect(await platform.provisionedConcurrency('2')).toBeNull();
    expect(await platform.putProvisionedConcurrency('2', 1)).toMatchObject({
      qualifier: '2',
      requested: 1,
      status: 'IN_PROGRESS',
    });
    expect(await platform.provisionedConcurrency('2')).toMatchObject({
      requested: 1,
      allocated: 1,
      available: 1,
      status: 'READY',
    });
    await platform.removeProvisionedConcurrency('2');
    expect(await platform.provisionedConcurrency('2')).toBeNull();
    // A second removal (a second abort) changes nothing and does not fail.
    await expect(platform.removeProvisionedConcurrency('2')).resolves.toBeUndefined();
  });
});
