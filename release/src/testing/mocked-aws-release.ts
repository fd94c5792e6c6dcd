/**
 * A release's io on AwsPlatform over aws-sdk-client-mock's stand-in Lambda, with the release record in memory: for
 * tests of which AWS calls a path makes (a refusal must make reads only). The stand-in answers only what a run
 * reads before it can refuse: live on version 1 with no provisioned concurrency, and which versions exist.
 */
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  GetProvisionedConcurrencyConfigCommand,
  ProvisionedConcurrencyConfigNotFoundException,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { mockedAwsPlatform } from '../../../platform/src/testing/mocked-aws-platform.ts';
import type { ReleaseIo } from '../ports.ts';
import { MemoryReleaseRecordStore } from './memory-release-record.ts';
import { setup } from './release-fixtures.ts';

const $metadata = { attempts: 1 };

/** Lambda's calls that change nothing: every call a refused release or rollback may make. */
export const LAMBDA_READS: readonly string[] = [
  'GetAliasCommand',
  'GetFunctionConfigurationCommand',
  'GetProvisionedConcurrencyConfigCommand',
];

export function onMockedAws(published: readonly string[]) {
  // The fake clock, the scripted pre-traffic test and the freeze; its platform is replaced by AWS's.
  const { io: memory } = setup();
  const releaseRecord = new MemoryReleaseRecordStore(() => memory.now());
  const { platform, lambda } = mockedAwsPlatform(releaseRecord);
  lambda
    .on(GetAliasCommand)
    .resolves({ Name: 'live', FunctionVersion: '1', RoutingConfig: {}, RevisionId: 'rev-1', $metadata });
  lambda
    .on(GetProvisionedConcurrencyConfigCommand)
    .rejects(new ProvisionedConcurrencyConfigNotFoundException({ message: 'No config', $metadata }));
  lambda.on(GetFunctionConfigurationCommand).callsFake((input: { Qualifier?: string }) => {
    if (input.Qualifier === undefined || !published.includes(input.Qualifier))
      throw new ResourceNotFoundException({ message: `Function not found: ${input.Qualifier}`, $metadata });
    return { Version: input.Qualifier, $metadata };
  });
  const io: ReleaseIo = { ...memory, platform };
  /** The Lambda commands sent, by name, in order. */
  const lambdaCalls = () => lambda.calls().map((call) => call.args[0].constructor.name);
  return { io, releaseRecord, lambdaCalls };
}
