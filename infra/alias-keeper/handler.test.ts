import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateAliasCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  GetFunctionUrlConfigCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { journalItem, lockItem } from '../../platform/src/aws/dynamodb-release-items.ts';
import type { JournalEntry } from '../../platform/src/port.ts';
import type { CustomResourceResponse } from './custom-resource-response.ts';
import { aliasKeeper } from './handler.ts';

const FUNCTION_NAME = 'Shiftgate-prod-PredictorFunction1A2B3C4D-AbCdEfGh1234';
const FUNCTION_ARN = `arn:aws:lambda:ap-northeast-1:123456789012:function:${FUNCTION_NAME}`;
const TABLE = 'Shiftgate-prod-ReleaseRecordTable5E6F7A8B-1QWERTY2ASDF';
const ALIAS_NOT_FOUND = Object.assign(new Error(`Alias not found: ${FUNCTION_ARN}:live`), {
  name: 'ResourceNotFoundException',
});
const VERSION_NOT_FOUND = Object.assign(new Error(`Function not found: ${FUNCTION_ARN}:7`), {
  name: 'ResourceNotFoundException',
});
const URL_NOT_FOUND = Object.assign(new Error('The resource you requested does not exist.'), {
  name: 'ResourceNotFoundException',
});

/** live's resource properties as kept-alias.ts sets them; CloudFormation adds the ServiceToken. */
const liveProperties = (overrides: Record<string, string> = {}) => ({
  ServiceToken: 'arn:aws:lambda:ap-northeast-1:123456789012:function:Shiftgate-prod-AliasKeeperFunction-Xy12',
  FunctionName: FUNCTION_NAME,
  FunctionArn: FUNCTION_ARN,
  AliasName: 'live',
  DeployedVersion: '9',
  Description: 'Production traffic; moved only by the release step (UpdateAlias).',
  RecreateAt: 'recorded-version',
  ReleaseTable: TABLE,
  ...overrides,
});

/** pretraffic's resource properties: recreated at the deployed version, so no ReleaseTable. */
const pretrafficProperties = (overrides: Record<string, string> = {}) => {
  const { ReleaseTable: _, ...properties } = liveProperties({
    AliasName: 'pretraffic',
    RecreateAt: 'deployed-version',
    ...overrides,
  });
  return properties;
};

/** The name CloudFormation generates for the function it creates when a change replaces it. */
const REPLACED_NAME = `${FUNCTION_NAME.slice(0, -4)}Zz99`;
const onReplacedFunction = <P extends Record<string, string>>(properties: P): P => ({
  ...properties,
  FunctionName: REPLACED_NAME,
  FunctionArn: FUNCTION_ARN.replace(FUNCTION_NAME, REPLACED_NAME),
});

/**
 * Requests in the shape CloudFormation sends to a Lambda-backed custom resource (CloudFormation User Guide,
 * "Custom resource request and response reference": RequestType, ResponseURL, StackId, RequestId, ResourceType,
 * LogicalResourceId, PhysicalResourceId on Update and Delete, ResourceProperties, OldResourceProperties on Update).
 */
const common = {
  ServiceToken: liveProperties().ServiceToken,
  ResponseURL:
    'https://cloudformation-custom-resource-response-apnortheast1.s3.ap-northeast-1.amazonaws.com/arn%3Aaws%3Acloudformation%3Aap-northeast-1%3A123456789012%3Astack/Shiftgate-prod/5b6e1f20-0d2b-11f1-9c1a-0a1b2c3d4e5f%7CLiveKept1C2D3E4F%7C7f0a8e2c-1b3d-4c5e-8f9a-0b1c2d3e4f5a?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=7200&X-Amz-Signature=abc',
  StackId:
    'arn:aws:cloudformation:ap-northeast-1:123456789012:stack/Shiftgate-prod/5b6e1f20-0d2b-11f1-9c1a-0a1b2c3d4e5f',
  RequestId: '7f0a8e2c-1b3d-4c5e-8f9a-0b1c2d3e4f5a',
  ResourceType: 'Custom::KeptAlias',
  LogicalResourceId: 'LiveKept1C2D3E4F',
} as const;
const PHYSICAL_ID = `${FUNCTION_ARN}:live`;

type Properties = Record<string, string> & { ServiceToken: string };

function createEvent(properties: Properties = liveProperties()): CloudFormationCustomResourceEvent {
  return { ...common, RequestType: 'Create', ResourceProperties: properties };
}
function updateEvent(
  properties: Properties = liveProperties(),
  old: Properties = liveProperties({ DeployedVersion: '8' }),
): CloudFormationCustomResourceEvent {
  return {
    ...common,
    RequestType: 'Update',
    // The id the keeper answered for the old properties (a failed update keeps it).
    PhysicalResourceId: `${old.FunctionArn}:${old.AliasName}`,
    ResourceProperties: properties,
    OldResourceProperties: old,
  };
}

const lambda = mockClient(LambdaClient);
const dynamodb = mockClient(DynamoDBClient);
let responses: CustomResourceResponse[];
const keep = () =>
  aliasKeeper({
    lambda: new LambdaClient({ region: 'ap-northeast-1' }),
    dynamodb: new DynamoDBClient({ region: 'ap-northeast-1' }),
    respond: async (url, response) => {
      expect(url).toBe(common.ResponseURL);
      responses.push(response);
    },
    log: () => {},
  });

let sequence = 0;
function entry(releaseId: string, type: string, data: unknown): JournalEntry {
  sequence += 1;
  return { sequence, at: `2026-11-2${sequence % 10}T03:00:00.000Z`, releaseId, type, data };
}
function recordHolds(entries: readonly JournalEntry[], lock: { releaseId: string } | null = null): void {
  dynamodb.on(QueryCommand).resolves({ Items: entries.map((e) => journalItem(FUNCTION_NAME, e)) });
  dynamodb.on(GetItemCommand).resolves(
    lock === null
      ? {}
      : {
          Item: lockItem(FUNCTION_NAME, {
            releaseId: lock.releaseId,
            holder: 'github-actions 1234',
            acquiredAt: '2026-11-29T03:00:00.000Z',
          }),
        },
  );
}
/** Release r1 promoted 7 (stable 6); r2 rolled back to 7 (candidate 8). */
const promotedThenRolledBack = (): JournalEntry[] => {
  sequence = 0;
  return [
    entry('r1', 'alias-update', { version: '6', weights: { '7': 0.1 } }),
    entry('r1', 'alias-update', { version: '7', weights: {} }),
    entry('r1', 'finished', { outcome: 'promoted', reasons: [] }),
    entry('r2', 'alias-update', { version: '7', weights: { '8': 0.1 } }),
    entry('r2', 'alias-update', { version: '7', weights: {} }),
    entry('r2', 'finished', { outcome: 'rolled-back', reasons: ['errors above the SLO'] }),
  ];
};

beforeEach(() => {
  lambda.reset();
  dynamodb.reset();
  responses = [];
  lambda.on(GetFunctionUrlConfigCommand).resolves({
    FunctionUrl: 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.ap-northeast-1.on.aws/',
    AuthType: 'AWS_IAM',
  });
});

describe('the kept-alias custom resource', () => {
  it("creates live at the deployed version on the function's first deploy (version 1, an empty record)", async () => {
    lambda.on(GetAliasCommand).rejects(ALIAS_NOT_FOUND);
    lambda.on(CreateAliasCommand).resolves({});
    recordHolds([]);
    await keep()(createEvent(liveProperties({ DeployedVersion: '1' })));
    expect(lambda.commandCalls(CreateAliasCommand)[0]?.args[0].input).toEqual({
      FunctionName: FUNCTION_NAME,
      Name: 'live',
      FunctionVersion: '1',
      Description: liveProperties().Description,
    });
    // Its URL is created after it, by the stack.
    expect(lambda.commandCalls(GetFunctionUrlConfigCommand)).toEqual([]);
    expect(responses).toEqual([
      expect.objectContaining({
        Status: 'SUCCESS',
        PhysicalResourceId: PHYSICAL_ID,
        RequestId: common.RequestId,
      }),
    ]);
  });

  it('keeps a live a create finds already there, without moving it', async () => {
    lambda.on(GetAliasCommand).resolves({ Name: 'live', FunctionVersion: '7' });
    await keep()(createEvent());
    expect(lambda.commandCalls(CreateAliasCommand)).toEqual([]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
  });

  it('keeps a pretraffic a create finds already there, without moving it', async () => {
    lambda
      .on(CreateAliasCommand)
      .rejects(Object.assign(new Error('Alias already exists'), { name: 'ResourceConflictException' }));
    const { ReleaseTable: _, ...pretraffic } = liveProperties({
      AliasName: 'pretraffic',
      RecreateAt: 'deployed-version',
    });
    await keep()(createEvent(pretraffic));
    expect(lambda.commandCalls(CreateAliasCommand)).toHaveLength(1);
    expect(responses[0]).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: `${FUNCTION_ARN}:pretraffic`,
    });
  });

  it('recreates a missing live on a create that is not the first deploy at the recorded version, never the deployed one', async () => {
    lambda.on(GetAliasCommand).rejects(ALIAS_NOT_FOUND);
    lambda.on(GetFunctionConfigurationCommand).resolves({ Version: '7' });
    lambda.on(CreateAliasCommand).resolves({});
    recordHolds(promotedThenRolledBack());
    await keep()(createEvent());
    expect(lambda.commandCalls(CreateAliasCommand).map((call) => call.args[0].input.FunctionVersion)).toEqual(
      ['7'],
    );
    expect(lambda.commandCalls(GetFunctionUrlConfigCommand)).toHaveLength(1);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', Data: { RecreatedAt: '7' } });
  });

  it('refuses a missing live on a create of a function that published versions before, when the record names none', async () => {
    lambda.on(GetAliasCommand).rejects(ALIAS_NOT_FOUND);
    recordHolds([]);
    await keep()(createEvent());
    expect(lambda.commandCalls(CreateAliasCommand)).toEqual([]);
    expect(responses[0]).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: `${common.LogicalResourceId}-not-created`,
    });
    expect(responses[0]?.Reason).toContain("never 9, this deploy's, which no release has vetted");
  });

  it('leaves an existing alias alone on update, whatever version the deploy published', async () => {
    lambda.on(GetAliasCommand).resolves({ Name: 'live', FunctionVersion: '7' });
    await keep()(updateEvent());
    expect(lambda.commandCalls(CreateAliasCommand)).toEqual([]);
    expect(dynamodb.calls()).toEqual([]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
  });

  it('recreates a deleted live at the version the last finished release left it on, never the deployed one', async () => {
    lambda.on(GetAliasCommand).rejects(ALIAS_NOT_FOUND);
    lambda.on(GetFunctionConfigurationCommand).resolves({ Version: '7' });
    lambda.on(CreateAliasCommand).resolves({});
    recordHolds(promotedThenRolledBack());
    await keep()(updateEvent());
    expect(lambda.commandCalls(GetFunctionConfigurationCommand)[0]?.args[0].input).toEqual({
      FunctionName: FUNCTION_NAME,
      Qualifier: '7',
    });
    expect(lambda.commandCalls(CreateAliasCommand)[0]?.args[0].input).toMatchObject({
      Name: 'live',
      FunctionVersion: '7',
    });
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', Data: { RecreatedAt: '7' } });
  });

  it.each([
    {
      name: 'the recorded version no longer exists',
      record: promotedThenRolledBack,
      lock: null,
      setUp: () => lambda.on(GetFunctionConfigurationCommand).rejects(VERSION_NOT_FOUND),
      reason: [
        `alias live of ${FUNCTION_NAME} is missing and version 7, where release table ${TABLE} says it was left, no longer exists`,
        `aws lambda list-versions-by-function --function-name ${FUNCTION_NAME}`,
        `aws lambda create-alias --function-name ${FUNCTION_NAME} --name live --function-version <that version>`,
        "not 9, this deploy's",
      ],
    },
    {
      name: 'no finished release ever moved live',
      record: () => [],
      lock: null,
      setUp: () => {},
      reason: [
        `records no finished release that moved it`,
        "the version the stack's first deploy created it on",
        "never 9, this deploy's, which no release has vetted",
        `aws lambda create-alias --function-name ${FUNCTION_NAME} --name live --function-version <that version>`,
      ],
    },
    {
      name: 'a release holds the lock',
      record: promotedThenRolledBack,
      lock: { releaseId: 'r3' },
      setUp: () => lambda.on(GetFunctionConfigurationCommand).resolves({ Version: '7' }),
      reason: [
        `while release r3 (held by github-actions 1234 since 2026-11-29T03:00:00.000Z) holds the lock in ${TABLE}`,
        `npm run release -- status --function ${FUNCTION_NAME} --record-table ${TABLE} --stage <stage>`,
        `npm run release -- abort --function ${FUNCTION_NAME} --record-table ${TABLE} --stage <stage> --reason`,
      ],
    },
  ])(
    'refuses, changing nothing, when $name, and says how to repair it',
    async ({ record, lock, setUp, reason }) => {
      lambda.on(GetAliasCommand).rejects(ALIAS_NOT_FOUND);
      setUp();
      recordHolds(record(), lock);
      await keep()(updateEvent());
      expect(lambda.commandCalls(CreateAliasCommand)).toEqual([]);
      expect(responses).toHaveLength(1);
      expect(responses[0]).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
      for (const part of reason) expect(responses[0]?.Reason).toContain(part);
    },
  );

  it("refuses to create live on a replaced function, whose only version is this deploy's, with the replacement's repair, not the URL's", async () => {
    lambda.on(GetAliasCommand).rejects(ALIAS_NOT_FOUND);
    // The new function's URL resource is replaced only after the keeper answers (it DependsOn the kept alias).
    lambda.on(GetFunctionUrlConfigCommand).rejects(URL_NOT_FOUND);
    recordHolds(promotedThenRolledBack());
    lambda.on(GetFunctionConfigurationCommand).rejects(VERSION_NOT_FOUND);
    await keep()(updateEvent(onReplacedFunction(liveProperties({ DeployedVersion: '1' }))));
    expect(lambda.commandCalls(CreateAliasCommand)).toEqual([]);
    expect(lambda.commandCalls(GetFunctionUrlConfigCommand)).toEqual([]);
    expect(responses[0]?.Status).toBe('FAILED');
    expect(responses[0]?.Reason).toContain(
      `CloudFormation is replacing the function (${FUNCTION_NAME} → ${REPLACED_NAME}), whose only version is this deploy's 1`,
    );
    expect(responses[0]?.Reason).toContain('make the change as a new stage');
    expect(responses[0]?.Reason).not.toContain('has no Function URL');
    expect(responses[0]?.Reason).not.toContain('create-function-url-config');
  });

  it('recreates a deleted pretraffic at the deployed version, which no production traffic reaches', async () => {
    lambda.on(GetAliasCommand).rejects(ALIAS_NOT_FOUND);
    lambda.on(CreateAliasCommand).resolves({});
    const pretraffic = { AliasName: 'pretraffic', RecreateAt: 'deployed-version', ReleaseTable: '' };
    const { ReleaseTable: _, ...properties } = liveProperties(pretraffic);
    await keep()(updateEvent(properties, { ...properties, DeployedVersion: '8' }));
    expect(lambda.commandCalls(CreateAliasCommand)[0]?.args[0].input).toMatchObject({
      Name: 'pretraffic',
      FunctionVersion: '9',
    });
    expect(dynamodb.calls()).toEqual([]);
    expect(responses[0]).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: `${FUNCTION_ARN}:pretraffic`,
    });
  });

  it.each([
    {
      name: 'the same function: the URL was deleted, and this deploy does not make it again',
      properties: pretrafficProperties(),
      status: 'FAILED',
      urlReads: 1,
      reason: [
        `alias pretraffic of ${FUNCTION_NAME} was missing and is recreated at version 9, but has no Function URL`,
        `aws lambda create-function-url-config --function-name ${FUNCTION_NAME} --qualifier pretraffic --auth-type AWS_IAM`,
      ],
    },
    {
      name: 'a replaced function: this deploy replaces the URL resource after the keeper answers, so it is not read',
      properties: onReplacedFunction(pretrafficProperties({ DeployedVersion: '1' })),
      status: 'SUCCESS',
      urlReads: 0,
      reason: [],
    },
  ])(
    'recreates a missing pretraffic whose Function URL is missing too, on $name',
    async ({ properties, status, urlReads, reason }) => {
      lambda.on(GetAliasCommand).rejects(ALIAS_NOT_FOUND);
      lambda.on(CreateAliasCommand).resolves({});
      lambda.on(GetFunctionUrlConfigCommand).rejects(URL_NOT_FOUND);
      await keep()(updateEvent(properties, pretrafficProperties({ DeployedVersion: '8' })));
      expect(lambda.commandCalls(CreateAliasCommand)[0]?.args[0].input).toMatchObject({
        FunctionName: properties.FunctionName,
        Name: 'pretraffic',
        FunctionVersion: properties.DeployedVersion,
      });
      expect(lambda.commandCalls(GetFunctionUrlConfigCommand)).toHaveLength(urlReads);
      expect(responses[0]).toMatchObject({
        Status: status,
        PhysicalResourceId: `${properties.FunctionArn}:pretraffic`,
      });
      for (const part of reason) expect(responses[0]?.Reason).toContain(part);
    },
  );

  it('does nothing on delete: the function owns its aliases, and a replaced resource must not take one along', async () => {
    await keep()({
      ...common,
      RequestType: 'Delete',
      PhysicalResourceId: PHYSICAL_ID,
      ResourceProperties: liveProperties(),
    });
    expect(lambda.calls()).toEqual([]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
  });

  it('answers FAILED, naming the property, for properties it cannot read', async () => {
    await keep()(createEvent(liveProperties({ DeployedVersion: '$LATEST' })));
    expect(lambda.calls()).toEqual([]);
    expect(responses[0]?.Status).toBe('FAILED');
    expect(responses[0]?.Reason).toMatch(/Custom::KeptAlias properties are invalid.*DeployedVersion/);
  });

  it("succeeds doing nothing on CloudFormation's roll back of a failed deploy, even with live missing", async () => {
    // The roll back's update: the properties from before the deploy, the failed deploy's as the old ones. The
    // record names 9, the failed deploy's retained version, which must not become live.
    sequence = 0;
    recordHolds([
      entry('r1', 'alias-update', { version: '9', weights: {} }),
      entry('r1', 'finished', { outcome: 'promoted', reasons: [] }),
    ]);
    lambda.on(GetAliasCommand).rejects(ALIAS_NOT_FOUND);
    lambda.on(GetFunctionConfigurationCommand).resolves({ Version: '9' });
    lambda.on(CreateAliasCommand).resolves({});
    await keep()(
      updateEvent(liveProperties({ DeployedVersion: '8' }), liveProperties({ DeployedVersion: '9' })),
    );
    expect(lambda.calls()).toEqual([]);
    expect(dynamodb.calls()).toEqual([]);
    expect(responses).toEqual([
      expect.objectContaining({
        Status: 'SUCCESS',
        PhysicalResourceId: PHYSICAL_ID,
        RequestId: common.RequestId,
      }),
    ]);
  });

  it('refuses a deploy whose live has no Function URL, with the commands that make it again', async () => {
    lambda.on(GetAliasCommand).resolves({ Name: 'live', FunctionVersion: '7' });
    lambda.on(GetFunctionUrlConfigCommand).rejects(URL_NOT_FOUND);
    await keep()(updateEvent());
    expect(lambda.commandCalls(GetFunctionUrlConfigCommand)[0]?.args[0].input).toEqual({
      FunctionName: FUNCTION_NAME,
      Qualifier: 'live',
    });
    expect(responses[0]).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    for (const part of [
      `alias live of ${FUNCTION_NAME} (version 7) has no Function URL`,
      'production has no URL',
      `aws lambda create-function-url-config --function-name ${FUNCTION_NAME} --qualifier live --auth-type`,
      'the stack output FunctionUrl keeps the old one',
      `--resource-id function:${FUNCTION_NAME}:live --min-capacity`,
      `aws cloudformation continue-update-rollback --stack-name ${common.StackId} --resources-to-skip ${common.LogicalResourceId}`,
    ]) {
      expect(responses[0]?.Reason).toContain(part);
    }
  });

  it('recreates a deleted live at the recorded version, then refuses when its Function URL went with it', async () => {
    lambda.on(GetAliasCommand).rejects(ALIAS_NOT_FOUND);
    lambda.on(GetFunctionConfigurationCommand).resolves({ Version: '7' });
    lambda.on(CreateAliasCommand).resolves({});
    lambda.on(GetFunctionUrlConfigCommand).rejects(URL_NOT_FOUND);
    recordHolds(promotedThenRolledBack());
    await keep()(updateEvent());
    expect(lambda.commandCalls(CreateAliasCommand)[0]?.args[0].input).toMatchObject({ FunctionVersion: '7' });
    expect(responses[0]?.Status).toBe('FAILED');
    expect(responses[0]?.Reason).toContain(
      `alias live of ${FUNCTION_NAME} was missing and is recreated at version 7, but has no Function URL`,
    );
  });

  it('cuts a long multi-byte failure reason so the whole response stays within 4,096 bytes', async () => {
    const long = `Rate exceeded → ${'→ 再試行 🚀 '.repeat(1_000)}`;
    lambda.on(GetAliasCommand).rejects(Object.assign(new Error(long), { name: 'TooManyRequestsException' }));
    await keep()(updateEvent());
    const body = JSON.stringify(responses[0]);
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(4_096);
    expect(responses[0]?.Reason).toContain(
      `GetAlias live of ${FUNCTION_NAME} failed: Rate exceeded → → 再試行 🚀`,
    );
    expect(responses[0]?.Reason?.endsWith('…')).toBe(true);
  });

  it('answers FAILED with the AWS error when GetAlias fails for another reason', async () => {
    lambda
      .on(GetAliasCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    await keep()(updateEvent());
    expect(responses[0]?.Status).toBe('FAILED');
    expect(responses[0]?.Reason).toContain(`GetAlias live of ${FUNCTION_NAME} failed`);
    expect(responses[0]?.Reason).toContain('Rate exceeded');
  });
});
