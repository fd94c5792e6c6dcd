/**
 * AwsPlatform's URLs against a mocked Lambda client: live's Function URL, and a version's through the
 * `pretraffic` alias (moved with UpdateAlias, created when missing, a missing version told from a missing alias),
 * with the errors that say what to deploy.
 */

import {
  CreateAliasCommand,
  GetAliasCommand,
  GetFunctionUrlConfigCommand,
  ResourceNotFoundException,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { PRETRAFFIC_ALIAS_NAME } from '../../../infra/lib/names.ts';
import { MOCKED_FUNCTION, mockedAwsPlatform } from '../testing/mocked-aws-platform.ts';
import { AwsCallError } from './aws-call.ts';

const FUNCTION = MOCKED_FUNCTION;
const { platform, lambda } = mockedAwsPlatform();
const meta = { $metadata: { attempts: 1 } };
const LIVE_URL = 'https://live-id.lambda-url.eu-west-1.on.aws/';
const PRETRAFFIC_URL = 'https://pretraffic-id.lambda-url.eu-west-1.on.aws/';

beforeEach(() => {
  lambda.reset();
  lambda
    .on(GetFunctionUrlConfigCommand, { FunctionName: FUNCTION, Qualifier: 'live' })
    .resolves({ FunctionUrl: LIVE_URL, AuthType: 'AWS_IAM' });
  lambda
    .on(GetFunctionUrlConfigCommand, { FunctionName: FUNCTION, Qualifier: PRETRAFFIC_ALIAS_NAME })
    .resolves({ FunctionUrl: PRETRAFFIC_URL, AuthType: 'AWS_IAM' });
});

describe('AwsPlatform: liveUrl', () => {
  it("is live's Function URL", async () => {
    expect(await platform.liveUrl()).toBe(LIVE_URL);
  });

  it('says to deploy the stack when live has no Function URL', async () => {
    const missing = new ResourceNotFoundException({
      message: 'The resource you requested does not exist.',
      ...meta,
    });
    lambda.on(GetFunctionUrlConfigCommand).rejects(missing);
    const error = await platform.liveUrl().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as Error).message).toMatch(
      /^GetFunctionUrlConfig for shiftgate-prod:live failed .* shiftgate-prod:live has no Function URL: deploy the stack/,
    );
    expect((error as Error).cause).toBe(missing);
  });
});

describe('AwsPlatform: versionUrl', () => {
  it('points the pretraffic alias at the version alone, then returns its URL', async () => {
    lambda.on(UpdateAliasCommand).resolves({ Name: PRETRAFFIC_ALIAS_NAME, FunctionVersion: '8' });
    expect(await platform.versionUrl('8')).toBe(PRETRAFFIC_URL);
    expect(lambda.calls().map((c) => c.args[0].input)).toEqual([
      {
        FunctionName: FUNCTION,
        Name: PRETRAFFIC_ALIAS_NAME,
        FunctionVersion: '8',
        RoutingConfig: { AdditionalVersionWeights: {} },
      },
      { FunctionName: FUNCTION, Qualifier: PRETRAFFIC_ALIAS_NAME },
    ]);
    expect(lambda.commandCalls(CreateAliasCommand)).toHaveLength(0);
  });

  it('creates the pretraffic alias on the version when it is missing', async () => {
    const notFound = new ResourceNotFoundException({ message: 'Alias not found', ...meta });
    lambda.on(UpdateAliasCommand).rejects(notFound);
    lambda.on(GetAliasCommand, { FunctionName: FUNCTION, Name: PRETRAFFIC_ALIAS_NAME }).rejects(notFound);
    lambda.on(CreateAliasCommand).resolves({ Name: PRETRAFFIC_ALIAS_NAME, FunctionVersion: '8' });
    expect(await platform.versionUrl('8')).toBe(PRETRAFFIC_URL);
    expect(lambda.commandCalls(CreateAliasCommand)[0]?.args[0].input).toMatchObject({
      FunctionName: FUNCTION,
      Name: PRETRAFFIC_ALIAS_NAME,
      FunctionVersion: '8',
    });
  });

  it('says a version does not exist when the alias does, and creates nothing', async () => {
    lambda
      .on(UpdateAliasCommand)
      .rejects(new ResourceNotFoundException({ message: `Function not found: ${FUNCTION}:99`, ...meta }));
    lambda.on(GetAliasCommand).resolves({ Name: PRETRAFFIC_ALIAS_NAME, FunctionVersion: '7' });
    await expect(platform.versionUrl('99')).rejects.toThrow(
      /^UpdateAlias for shiftgate-prod:pretraffic failed .* version 99 of shiftgate-prod does not exist: name a published version$/,
    );
    expect(lambda.commandCalls(CreateAliasCommand)).toHaveLength(0);
    expect(lambda.commandCalls(GetFunctionUrlConfigCommand)).toHaveLength(0);
  });

  it('surfaces a missing function through CreateAlias, and reads no URL', async () => {
    const missing = new ResourceNotFoundException({ message: 'Function not found', ...meta });
    lambda.on(UpdateAliasCommand).rejects(missing);
    lambda.on(GetAliasCommand).rejects(missing);
    lambda.on(CreateAliasCommand).rejects(missing);
    await expect(platform.versionUrl('8')).rejects.toThrow(
      /^CreateAlias for shiftgate-prod:pretraffic failed after 1 attempt\(s\): ResourceNotFoundException/,
    );
    expect(lambda.commandCalls(GetFunctionUrlConfigCommand)).toHaveLength(0);
  });

  it('says to deploy when the pretraffic alias has no Function URL', async () => {
    lambda.on(UpdateAliasCommand).resolves({ Name: PRETRAFFIC_ALIAS_NAME, FunctionVersion: '8' });
    lambda
      .on(GetFunctionUrlConfigCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'The resource you requested does not exist.', ...meta }),
      );
    await expect(platform.versionUrl('8')).rejects.toThrow(
      'shiftgate-prod:pretraffic has no Function URL: deploy the stack',
    );
  });

  it.each(['$LATEST', 'live', '0', '08', ''])(
    'refuses "%s", which is not a published version, before calling AWS',
    async (version) => {
      await expect(platform.versionUrl(version)).rejects.toThrow(`not "${version}"`);
      expect(lambda.calls()).toHaveLength(0);
    },
  );
});
