import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetAliasCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbReleaseRecordStore } from '../../platform/src/aws/dynamodb-release-record.ts';
import { awsReleaseIo } from './aws-release-io.ts';
import type { AwsSettings } from './cli/release-args.ts';

const region = { region: 'ap-northeast-1' };
const clients = {
  lambda: new LambdaClient(region),
  autoScaling: new ApplicationAutoScalingClient(region),
  cloudWatch: new CloudWatchClient(region),
  dynamoDb: new DynamoDBClient(region),
};
const lambda = mockClient(clients.lambda);
const cloudWatch = mockClient(clients.cloudWatch);

const SETTINGS: AwsSettings = {
  functionName: 'predictor',
  region: 'ap-northeast-1',
  recordTable: 'releases',
  stage: 'prod',
  pageAlarms: [],
};

const io = (settings: Partial<AwsSettings> = {}) =>
  awsReleaseIo({
    settings: { ...SETTINGS, ...settings },
    progress: { step: () => {}, live: () => {} },
    gitSha: null,
    clients,
  });

beforeEach(() => {
  lambda.reset();
  cloudWatch.reset();
});

describe('awsReleaseIo', () => {
  it("moves the function's live alias, with the release record on the table named", async () => {
    lambda.on(GetAliasCommand).resolves({ Name: 'live', FunctionVersion: '6', RevisionId: 'rev-1' });
    const { platform } = io();
    expect(await platform.readAlias()).toEqual({
      name: 'live',
      version: '6',
      weights: {},
      revisionId: 'rev-1',
    });
    expect(lambda.commandCalls(GetAliasCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'predictor',
      Name: 'live',
    });
    expect(platform.releaseRecord).toBeInstanceOf(DynamoDbReleaseRecordStore);
    expect(platform.releaseRecord).toMatchObject({ tableName: 'releases', functionName: 'predictor' });
  });

  it('says page alarms are not checked with --no-page-alarms, without asking CloudWatch', async () => {
    const unchecked = io({ pageAlarms: null });
    expect(await unchecked.firingPageAlarms()).toBeNull();
    expect(unchecked.pageAlarmsNotChecked).toBe('not checked: --no-page-alarms');
    expect(await io().firingPageAlarms()).toBeNull();
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand)).toEqual([]);
  });

  it('reads the named page alarms, and returns those in ALARM', async () => {
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      CompositeAlarms: [
        { AlarmName: 'page-a', StateValue: 'OK' },
        { AlarmName: 'page-b', StateValue: 'ALARM' },
      ],
    });
    expect(await io({ pageAlarms: ['page-a', 'page-b'] }).firingPageAlarms()).toEqual(['page-b']);
  });

  it('throws when the error budget cannot be read, for the release to refuse or be overridden', async () => {
    cloudWatch.on(GetMetricDataCommand).rejects(new Error('AccessDenied'));
    await expect(io().freeze()).rejects.toThrow(/freeze cannot be checked/);
  });
});
