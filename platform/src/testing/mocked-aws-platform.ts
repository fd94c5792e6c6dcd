/**
 * An AwsPlatform on SDK clients that aws-sdk-client-mock stands in for, with no release record unless given one:
 * what the AWS side's tests drive (and a release's, to see which AWS calls it makes). Each call makes its own
 * clients, so the mocks of one test file never answer another's.
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsPlatform } from '../aws/aws-platform.ts';
import type { ReleaseRecordStore } from '../port.ts';

export const MOCKED_FUNCTION = 'shiftgate-prod';

export function mockedAwsPlatform(releaseRecord?: ReleaseRecordStore) {
  const region = 'eu-west-1';
  const clients = {
    lambda: new LambdaClient({ region }),
    autoScaling: new ApplicationAutoScalingClient({ region }),
    cloudWatch: new CloudWatchClient({ region }),
  };
  return {
    platform: new AwsPlatform({
      functionName: MOCKED_FUNCTION,
      stage: 'prod',
      // The release record has tests of its own (dynamodb-release-record*.test.ts).
      releaseRecord: releaseRecord ?? ({} as ReleaseRecordStore),
      clients,
    }),
    lambda: mockClient(clients.lambda),
    autoScaling: mockClient(clients.autoScaling),
    cloudWatch: mockClient(clients.cloudWatch),
  };
}
