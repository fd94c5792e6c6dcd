/**
 * AwsPlatform against mocked SDK clients (aws-sdk-client-mock): each port call's exact SDK input and the
 * mapping of what AWS answers, including the faults a release must survive: a moved alias, provisioned
 * concurrency stuck IN_PROGRESS or FAILED, metrics late or partial, and throttling past the SDK's retries.
 * (The retries themselves run in the SDK's middleware, which aws-sdk-client-mock replaces: aws-retry.test.ts
 * drives them through real clients.)
 */
import {
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DeleteProvisionedConcurrencyConfigCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvalidParameterValueException,
  PreconditionFailedException,
  ProvisionedConcurrencyConfigNotFoundException,
  PutProvisionedConcurrencyConfigCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  TooManyRequestsException,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { ProvisionedConcurrencyConflictError, RevisionConflictError, type ScalingTarget } from '../port.ts';
import { MOCKED_FUNCTION, mockedAwsPlatform } from '../testing/mocked-aws-platform.ts';
import { AwsCallError } from './aws-call.ts';

const FUNCTION = MOCKED_FUNCTION;
const RESOURCE_ID = `function:${FUNCTION}:live`;
const SCALABLE = {
  ServiceNamespace: 'lambda',
  ScalableDimension: 'lambda:function:ProvisionedConcurrency',
} as const;
const { platform, lambda, autoScaling, cloudWatch } = mockedAwsPlatform();

const meta = { $metadata: { attempts: 1 } };

beforeEach(() => {
  lambda.reset();
  autoScaling.reset();
  cloudWatch.reset();
});

describe('AwsPlatform: the live alias', () => {
  it('reads GetAlias into version, weights and revision', async () => {
    lambda.on(GetAliasCommand, { FunctionName: FUNCTION, Name: 'live' }).resolves({
      Name: 'live',
      FunctionVersion: '7',
      RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } },
      RevisionId: 'rev-1',
    });
    expect(await platform.readAlias()).toEqual({
      name: 'live',
      version: '7',
      weights: { '8': 0.1 },
      revisionId: 'rev-1',
    });
  });

  it('reads an alias with no RoutingConfig as no weights', async () => {
    lambda.on(GetAliasCommand).resolves({ Name: 'live', FunctionVersion: '7', RevisionId: 'rev-1' });
    expect((await platform.readAlias()).weights).toEqual({});
  });

  it('sends UpdateAlias with the expected RevisionId, and an empty weight map to clear the weights', async () => {
    lambda.on(UpdateAliasCommand).resolves({ Name: 'live', FunctionVersion: '8', RevisionId: 'rev-2' });
    const state = await platform.updateAlias({ version: '8', weights: {}, expectedRevisionId: 'rev-1' });
    expect(state).toEqual({ name: 'live', version: '8', weights: {}, revisionId: 'rev-2' });
    expect(lambda.commandCalls(UpdateAliasCommand)[0]?.args[0].input).toEqual({
      FunctionName: FUNCTION,
      Name: 'live',
      FunctionVersion: '8',
      RoutingConfig: { AdditionalVersionWeights: {} },
      RevisionId: 'rev-1',
    });
  });

  it('turns a RevisionId mismatch into RevisionConflictError with the revision read again, cause kept', async () => {
    const refused = new PreconditionFailedException({ message: 'RevisionId does not match', ...meta });
    lambda.on(UpdateAliasCommand).rejects(refused);
    lambda.on(GetAliasCommand).resolves({ Name: 'live', FunctionVersion: '9', RevisionId: 'rev-other' });
    const error = await platform
      .updateAlias({ version: '7', weights: { '8': 0.5 }, expectedRevisionId: 'rev-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RevisionConflictError);
    expect(error).toMatchObject({
      alias: 'live',
      expectedRevisionId: 'rev-1',
      actualRevisionId: 'rev-other',
    });
    expect((error as Error).cause).toBe(refused);
  });

  it('names both failures when the alias cannot be read again after a refused revision', async () => {
    const refused = new PreconditionFailedException({ message: 'RevisionId does not match', ...meta });
    lambda.on(UpdateAliasCommand).rejects(refused);
    lambda.on(GetAliasCommand).rejects(new TooManyRequestsException({ message: 'Rate exceeded', ...meta }));
    const error = await platform
      .updateAlias({ version: '7', weights: {}, expectedRevisionId: 'rev-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as Error).message).toMatch(
      /^UpdateAlias for shiftgate-prod:live failed .*PreconditionFailedException.*reading it again failed too \(GetAlias .*TooManyRequestsException/,
    );
    expect((error as Error).cause).toBe(refused);
  });

  it('turns a ResourceConflictException into RevisionConflictError when the alias has moved', async () => {
    lambda.on(UpdateAliasCommand).rejects(new ResourceConflictException({ message: 'conflict', ...meta }));
    lambda.on(GetAliasCommand).resolves({ Name: 'live', FunctionVersion: '9', RevisionId: 'rev-3' });
    await expect(
      platform.updateAlias({ version: '7', weights: {}, expectedRevisionId: 'rev-1' }),
    ).rejects.toMatchObject({ name: 'RevisionConflictError', actualRevisionId: 'rev-3' });
  });

  it('says to send again on a ResourceConflictException with the alias unmoved (an operation in progress)', async () => {
    const conflict = new ResourceConflictException({ message: 'An update is in progress', ...meta });
    lambda.on(UpdateAliasCommand).rejects(conflict);
    lambda.on(GetAliasCommand).resolves({ Name: 'live', FunctionVersion: '7', RevisionId: 'rev-1' });
    const error = await platform
      .updateAlias({ version: '7', weights: { '8': 0.1 }, expectedRevisionId: 'rev-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as Error).message).toContain(`UpdateAlias for ${FUNCTION}:live failed`);
    expect((error as Error).message).toContain('still at revision rev-1');
    expect((error as Error).cause).toBe(conflict);
  });

  it('surfaces throttling that outlasted the retries naming the call, the function and the attempts', async () => {
    const throttled = new TooManyRequestsException({ message: 'Rate exceeded', $metadata: { attempts: 5 } });
    lambda.on(GetAliasCommand).rejects(throttled);
    const error = await platform.readAlias().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ call: 'GetAlias', resource: `${FUNCTION}:live`, attempts: 5 });
    expect((error as Error).message).toMatch(
      /^GetAlias for shiftgate-prod:live failed after 5 attempt\(s\): TooManyRequestsException: Rate exceeded; AWS throttled every attempt/,
    );
    expect((error as Error).cause).toBe(throttled);
  });
});

describe('AwsPlatform: whether a version exists', () => {
  it('reads GetFunctionConfiguration with the version as Qualifier, and sends nothing else', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ Version: '7', ...meta });
    expect(await platform.versionExists('7')).toBe(true);
    expect(lambda.calls().map((call) => call.args[0].input)).toEqual([
      { FunctionName: FUNCTION, Qualifier: '7' },
    ]);
  });

  it("reads Lambda's ResourceNotFoundException as no such version", async () => {
    lambda
      .on(GetFunctionConfigurationCommand)
      .rejects(new ResourceNotFoundException({ message: 'Function not found', ...meta }));
    expect(await platform.versionExists('9')).toBe(false);
  });

  it('answers an alias name or $LATEST as no published version, without asking AWS', async () => {
    expect(await platform.versionExists('live')).toBe(false);
    expect(await platform.versionExists('$LATEST')).toBe(false);
    expect(lambda.calls()).toEqual([]);
  });

  it('surfaces any other failure naming the call and the version, cause kept', async () => {
    const throttled = new TooManyRequestsException({ message: 'Rate exceeded', $metadata: { attempts: 5 } });
    lambda.on(GetFunctionConfigurationCommand).rejects(throttled);
    const error = await platform.versionExists('7').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ call: 'GetFunctionConfiguration', resource: `${FUNCTION}:7` });
    expect((error as Error).cause).toBe(throttled);
  });
});

describe('AwsPlatform: provisioned concurrency', () => {
  it('puts with the qualifier and reads a fresh IN_PROGRESS configuration with nothing allocated yet', async () => {
    lambda.on(PutProvisionedConcurrencyConfigCommand).resolves({
      RequestedProvisionedConcurrentExecutions: 3,
      Status: 'IN_PROGRESS',
    });
    expect(await platform.putProvisionedConcurrency('8', 3)).toEqual({
      qualifier: '8',
      requested: 3,
      allocated: 0,
      available: 0,
      status: 'IN_PROGRESS',
    });
    expect(lambda.commandCalls(PutProvisionedConcurrencyConfigCommand)[0]?.args[0].input).toEqual({
      FunctionName: FUNCTION,
      Qualifier: '8',
      ProvisionedConcurrentExecutions: 3,
    });
  });

  it('refuses a count below 1 before calling AWS', async () => {
    await expect(platform.putProvisionedConcurrency('8', 0)).rejects.toThrow(/whole number >= 1/);
    expect(lambda.calls()).toHaveLength(0);
  });

  it("reads a configuration stuck IN_PROGRESS as it is: waiting is the release's job", async () => {
    lambda.on(GetProvisionedConcurrencyConfigCommand, { FunctionName: FUNCTION, Qualifier: '8' }).resolves({
      RequestedProvisionedConcurrentExecutions: 4,
      AllocatedProvisionedConcurrentExecutions: 2,
      AvailableProvisionedConcurrentExecutions: 1,
      Status: 'IN_PROGRESS',
    });
    expect(await platform.provisionedConcurrency('8')).toEqual({
      qualifier: '8',
      requested: 4,
      allocated: 2,
      available: 1,
      status: 'IN_PROGRESS',
    });
    expect(lambda.commandCalls(GetProvisionedConcurrencyConfigCommand)).toHaveLength(1);
  });

  it('reads FAILED with its StatusReason', async () => {
    lambda.on(GetProvisionedConcurrencyConfigCommand).resolves({
      RequestedProvisionedConcurrentExecutions: 4,
      AllocatedProvisionedConcurrentExecutions: 0,
      AvailableProvisionedConcurrentExecutions: 0,
      Status: 'FAILED',
      StatusReason: 'FUNCTION_ERROR_INIT_FAILURE',
    });
    expect(await platform.provisionedConcurrency('8')).toMatchObject({
      status: 'FAILED',
      statusReason: 'FUNCTION_ERROR_INIT_FAILURE',
    });
  });

  it('reads a missing configuration as null', async () => {
    lambda
      .on(GetProvisionedConcurrencyConfigCommand)
      .rejects(new ProvisionedConcurrencyConfigNotFoundException({ message: 'No config', ...meta }));
    expect(await platform.provisionedConcurrency('8')).toBeNull();
  });

  it('refuses a status the port does not know', async () => {
    lambda.on(GetProvisionedConcurrencyConfigCommand).resolves({ Status: 'PENDING' as 'READY' });
    await expect(platform.provisionedConcurrency('8')).rejects.toThrow(/status PENDING/);
  });

  it('deletes with the qualifier, and a configuration already gone is nothing to do', async () => {
    lambda.on(DeleteProvisionedConcurrencyConfigCommand).resolves({});
    await platform.removeProvisionedConcurrency('7');
    expect(lambda.commandCalls(DeleteProvisionedConcurrencyConfigCommand)[0]?.args[0].input).toEqual({
      FunctionName: FUNCTION,
      Qualifier: '7',
    });
    lambda
      .on(DeleteProvisionedConcurrencyConfigCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', ...meta }));
    lambda
      .on(GetProvisionedConcurrencyConfigCommand)
      .rejects(new ProvisionedConcurrencyConfigNotFoundException({ message: 'No config', ...meta }));
    await expect(platform.removeProvisionedConcurrency('7')).resolves.toBeUndefined();
  });

  it('surfaces a delete on a qualifier that does not exist', async () => {
    const missing = new ResourceNotFoundException({ message: 'Function not found', ...meta });
    lambda.on(DeleteProvisionedConcurrencyConfigCommand).rejects(missing);
    lambda.on(GetProvisionedConcurrencyConfigCommand).rejects(missing);
    await expect(platform.removeProvisionedConcurrency('99')).rejects.toThrow(
      `DeleteProvisionedConcurrencyConfig for ${FUNCTION}:99 failed after 1 attempt(s): ResourceNotFoundException`,
    );
  });
});

describe('AwsPlatform: provisioned-concurrency rules Lambda enforces', () => {
  const weighted = new InvalidParameterValueException({
    message: 'Alias with weights can not be used with Provisioned Concurrency',
    ...meta,
  });
  const secondConfig = new InvalidParameterValueException({
    message: 'Function version 8 already has a provisioned concurrency configuration',
    ...meta,
  });

  // Lambda refuses every PC move on live while it has weights; it refuses a second configuration for a version.
  it.each([
    ['put on live', 'live', weighted],
    ['put on a version', '8', secondConfig],
  ] as const)(
    'a %s refused by a PC rule is a ProvisionedConcurrencyConflictError, cause kept',
    async (_, qualifier, refusal) => {
      lambda.on(PutProvisionedConcurrencyConfigCommand).rejects(refusal);
      const error = await platform.putProvisionedConcurrency(qualifier, 2).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProvisionedConcurrencyConflictError);
      expect(error).toMatchObject({ qualifier });
      expect((error as Error).message).toContain(`PutProvisionedConcurrencyConfig: ${refusal.message}`);
      expect((error as Error).cause).toBe(refusal);
    },
  );

  it('a removal from live refused while it has weights is a ProvisionedConcurrencyConflictError', async () => {
    lambda.on(DeleteProvisionedConcurrencyConfigCommand).rejects(weighted);
    const error = await platform.removeProvisionedConcurrency('live').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisionedConcurrencyConflictError);
    expect(error).toMatchObject({ qualifier: 'live' });
    expect((error as Error).cause).toBe(weighted);
  });

  it('an UpdateAlias refused because the new primary has its own PC is a conflict on live, not a revision one', async () => {
    lambda.on(UpdateAliasCommand).rejects(secondConfig);
    const error = await platform
      .updateAlias({ version: '8', weights: {}, expectedRevisionId: 'rev-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisionedConcurrencyConflictError);
    expect(error).toMatchObject({ qualifier: 'live' });
    expect((error as Error).message).toMatch(
      /^provisioned concurrency on live refused: UpdateAlias: Function version 8/,
    );
    expect((error as Error).cause).toBe(secondConfig);
    // Nothing is read again: the revision was not the problem.
    expect(lambda.commandCalls(GetAliasCommand)).toHaveLength(0);
  });

  it('keeps any other InvalidParameterValueException an AwsCallError', async () => {
    const other = new InvalidParameterValueException({
      message: 'Weight must be between 0.0 and 1.0',
      ...meta,
    });
    lambda.on(UpdateAliasCommand).rejects(other);
    const error = await platform
      .updateAlias({ version: '7', weights: { '8': 2 }, expectedRevisionId: 'rev-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).not.toBeInstanceOf(ProvisionedConcurrencyConflictError);
    expect((error as Error).cause).toBe(other);
  });
});

const target = (suspended: { in?: boolean; out?: boolean; scheduled?: boolean } = {}) => ({
  ...SCALABLE,
  ResourceId: RESOURCE_ID,
  MinCapacity: 1,
  MaxCapacity: 10,
  RoleARN: 'arn:aws:iam::123456789012:role/aws-service-role',
  CreationTime: new Date(0),
  SuspendedState: {
    DynamicScalingInSuspended: suspended.in ?? false,
    DynamicScalingOutSuspended: suspended.out ?? false,
    ScheduledScalingSuspended: suspended.scheduled ?? false,
  },
});

const trackingPolicy = (targetValue: number, metric = 'LambdaProvisionedConcurrencyUtilization') => ({
  ...SCALABLE,
  PolicyARN: `arn:policy/${metric}`,
  PolicyName: `track-${metric}`,
  ResourceId: RESOURCE_ID,
  PolicyType: 'TargetTrackingScaling' as const,
  CreationTime: new Date(0),
  TargetTrackingScalingPolicyConfiguration: {
    TargetValue: targetValue,
    PredefinedMetricSpecification: {
      PredefinedMetricType: metric as 'LambdaProvisionedConcurrencyUtilization',
    },
  },
});

describe('AwsPlatform: scaling', () => {
  const registered = (suspended: Parameters<typeof target>[0] = {}) => {
    autoScaling.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [target(suspended)] });
    autoScaling.on(DescribeScalingPoliciesCommand).resolves({
      ScalingPolicies: [trackingPolicy(0.4, 'ECSServiceAverageCPUUtilization'), trackingPolicy(0.7)],
    });
  };

  it('reads the target and its target-tracking policy on LambdaProvisionedConcurrencyUtilization', async () => {
    registered({ in: true });
    expect(await platform.scalingTarget()).toEqual({
      qualifier: 'live',
      minCapacity: 1,
      maxCapacity: 10,
      targetUtilization: 0.7,
      suspendedState: {
        dynamicScalingInSuspended: true,
        dynamicScalingOutSuspended: false,
        scheduledScalingSuspended: false,
      },
    } satisfies ScalingTarget);
    expect(autoScaling.commandCalls(DescribeScalableTargetsCommand)[0]?.args[0].input).toEqual({
      ...SCALABLE,
      ResourceIds: [RESOURCE_ID],
    });
    expect(autoScaling.commandCalls(DescribeScalingPoliciesCommand)[0]?.args[0].input).toEqual({
      ...SCALABLE,
      ResourceId: RESOURCE_ID,
    });
  });

  it('reads no registered target as null, and pages through the policies', async () => {
    autoScaling.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
    expect(await platform.scalingTarget()).toBeNull();
    autoScaling.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [target()] });
    autoScaling
      .on(DescribeScalingPoliciesCommand)
      .resolvesOnce({ ScalingPolicies: [], NextToken: 'page-2' })
      .resolvesOnce({ ScalingPolicies: [trackingPolicy(0.5)] });
    expect(await platform.scalingTarget()).toMatchObject({ targetUtilization: 0.5 });
    expect(autoScaling.commandCalls(DescribeScalingPoliciesCommand)[1]?.args[0].input.NextToken).toBe(
      'page-2',
    );
  });

  it('refuses a target without exactly one utilization policy', async () => {
    autoScaling.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [target()] });
    autoScaling.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [] });
    await expect(platform.scalingTarget()).rejects.toThrow(
      `${RESOURCE_ID} has 0 target-tracking policies on LambdaProvisionedConcurrencyUtilization`,
    );
  });

  it.each([true, false])(
    'suspends dynamic scaling in and out, keeps scheduled %s as it was, and returns the target as it was',
    async (scheduled) => {
      registered({ in: true, scheduled });
      autoScaling.on(RegisterScalableTargetCommand).resolves({});
      const previous = await platform.suspendScaling();
      expect(previous.suspendedState).toEqual({
        dynamicScalingInSuspended: true,
        dynamicScalingOutSuspended: false,
        scheduledScalingSuspended: scheduled,
      });
      expect(autoScaling.commandCalls(RegisterScalableTargetCommand).map((c) => c.args[0].input)).toEqual([
        {
          ...SCALABLE,
          ResourceId: RESOURCE_ID,
          SuspendedState: {
            DynamicScalingInSuspended: true,
            DynamicScalingOutSuspended: true,
            ScheduledScalingSuspended: scheduled,
          },
        },
      ]);
    },
  );

  it('resumes with exactly the previous suspended state and no capacity change', async () => {
    registered();
    autoScaling.on(RegisterScalableTargetCommand).resolves({});
    const previous = await platform.suspendScaling();
    autoScaling.resetHistory();
    await platform.resumeScaling(previous);
    expect(autoScaling.calls().map((c) => c.args[0].input)).toEqual([
      {
        ...SCALABLE,
        ResourceId: RESOURCE_ID,
        SuspendedState: {
          DynamicScalingInSuspended: false,
          DynamicScalingOutSuspended: false,
          ScheduledScalingSuspended: false,
        },
      },
    ]);
  });

  it("refuses to suspend a target that is not registered, and to resume another qualifier's", async () => {
    autoScaling.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
    await expect(platform.suspendScaling()).rejects.toThrow(
      `no scalable target is registered for ${RESOURCE_ID}`,
    );
    const other = { qualifier: '8', minCapacity: 0, maxCapacity: 1, targetUtilization: 0.5 } as const;
    const suspendedState = {
      dynamicScalingInSuspended: false,
      dynamicScalingOutSuspended: false,
      scheduledScalingSuspended: false,
    };
    await expect(platform.resumeScaling({ ...other, suspendedState })).rejects.toThrow(/target of 8/);
    expect(autoScaling.commandCalls(RegisterScalableTargetCommand)).toHaveLength(0);
  });
});
