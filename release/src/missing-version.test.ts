import { describe, expect, it } from 'vitest';
import { AwsCallError } from '../../platform/src/aws/aws-call.ts';
import { LocalPlatformError } from '../../platform/src/local/local-platform.ts';
import { isMissingVersion } from './missing-version.ts';

const aws = (call: string, code: string) =>
  new AwsCallError(call, 'shiftgate-prod:pretraffic', code, 1, { cause: new Error(code) });

describe('isMissingVersion', () => {
  it.each([
    {
      name: "AWS's UpdateAlias not-found (the alias exists, the version does not)",
      error: aws('UpdateAlias', 'ResourceNotFoundException'),
      missing: true,
    },
    {
      name: "AWS's CreateAlias not-found",
      error: aws('CreateAlias', 'ResourceNotFoundException'),
      missing: true,
    },
    {
      name: "the local daemon's 404",
      error: new LocalPlatformError('no version 9', 404, 'NotFoundError'),
      missing: true,
    },
    { name: 'a throttled AWS call', error: aws('UpdateAlias', 'TooManyRequestsException'), missing: false },
    { name: 'AWS refusing access', error: aws('UpdateAlias', 'AccessDeniedException'), missing: false },
    {
      name: 'a missing Function URL (deploy the stack)',
      error: aws('GetFunctionUrlConfig', 'ResourceNotFoundException'),
      missing: false,
    },
    {
      name: 'a local daemon that broke off its 404',
      error: new LocalPlatformError('broke off', 404, 'BadResponse'),
      missing: false,
    },
    {
      name: 'a local daemon that failed',
      error: new LocalPlatformError('boom', 500, 'Error'),
      missing: false,
    },
    {
      name: 'a local daemon that did not answer',
      error: new LocalPlatformError('ECONNREFUSED', null, 'Error'),
      missing: false,
    },
    { name: 'any other error', error: new Error('version 9 is not published'), missing: false },
  ])('$name: $missing', ({ error, missing }) => {
    expect(isMissingVersion(error)).toBe(missing);
  });
});
