/**
 * Whether a platform's failure to serve a version says the version does not exist, as each platform says it: on
 * AWS, versionUrl's UpdateAlias or CreateAlias of the `pretraffic` alias answered ResourceNotFoundException
 * (aws-function-urls.ts tells a missing version from a missing alias before it says so); locally, the daemon's
 * 404 NotFoundError. Anything else (a throttle, a timeout, a daemon that does not answer) says nothing about the
 * version: the caller lets it propagate rather than refuse a release for a reason that is not true.
 */
import { AwsCallError } from '../../platform/src/aws/aws-call.ts';
import { LocalPlatformError } from '../../platform/src/local/local-platform.ts';

const AWS_NOT_FOUND = 'ResourceNotFoundException';
/** The calls versionUrl makes with the version itself; GetFunctionUrlConfig's not-found is a missing URL. */
const AWS_CALLS_NAMING_THE_VERSION: readonly string[] = ['UpdateAlias', 'CreateAlias'];

export function isMissingVersion(error: unknown): boolean {
  if (error instanceof AwsCallError) {
    return error.code === AWS_NOT_FOUND && AWS_CALLS_NAMING_THE_VERSION.includes(error.call);
  }
  return error instanceof LocalPlatformError && error.status === 404 && error.errorName === 'NotFoundError';
}
