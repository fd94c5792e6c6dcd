/**
 * The AWS edge's clients and its one error: every SDK call of AwsPlatform goes through `callAws`, so a failure
 * names the call, the function (and qualifier) and how many attempts the SDK made, and keeps the SDK's error
 * as its cause. Retries are the SDK's own standard mode (`maxAttempts`, exponential backoff with jitter, a
 * longer base for throttling errors such as TooManyRequestsException and ThrottlingException): no loop here.
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';

/**
 * Attempts per call, the first included. The SDK's default is 3; a release makes a few dozen calls over many
 * minutes, so riding out a throttling burst of several seconds is worth more than failing fast.
 */
export const AWS_MAX_ATTEMPTS = 5;

export interface AwsClients {
  readonly lambda: LambdaClient;
  readonly autoScaling: ApplicationAutoScalingClient;
  readonly cloudWatch: CloudWatchClient;
  /** The release record's table (dynamodb-release-record.ts). */
  readonly dynamoDb: DynamoDBClient;
}

/** The SDK's standard retry mode at `maxAttempts`: what every client of createAwsClients is built with. */
export function awsRetryConfig(maxAttempts = AWS_MAX_ATTEMPTS) {
  return { retryMode: 'standard', maxAttempts } as const;
}

/** The clients AwsPlatform and its release record take, with the SDK's standard retry mode at `maxAttempts`. */
export function createAwsClients(options: { readonly region?: string; readonly maxAttempts?: number } = {}) {
  const config = {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...awsRetryConfig(options.maxAttempts),
  };
  return {
    lambda: new LambdaClient(config),
    autoScaling: new ApplicationAutoScalingClient(config),
    cloudWatch: new CloudWatchClient(config),
    dynamoDb: new DynamoDBClient(config),
  } satisfies AwsClients;
}

/** What the SDK's errors carry: a name (the service's error code) and, once sent, the attempts made. */
export interface SdkErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly attempts?: number; readonly httpStatusCode?: number };
}

/** The SDK error's code, e.g. 'PreconditionFailedException'; '' for anything that is not an error object. */
export function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null ? ((error as SdkErrorShape).name ?? '') : '';
}

/** Lambda's, Application Auto Scaling's, CloudWatch's, and DynamoDB's two. */
const THROTTLED = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

/** An AWS call that failed after the SDK's retries, or that AWS refused outright. */
export class AwsCallError extends Error {
  constructor(
    /** The API action, e.g. 'UpdateAlias'. */
    readonly call: string,
    /** `function` or `function:qualifier`, as the call named it. */
    readonly resource: string,
    /** The SDK error's code. */
    readonly code: string,
    readonly attempts: number,
    options: { readonly cause: unknown; readonly fix?: string },
  ) {
    const what = (options.cause as SdkErrorShape | undefined)?.message ?? String(options.cause);
    const fix =
      options.fix ??
      (THROTTLED.has(code)
        ? 'AWS throttled every attempt: wait a minute and run the command again (the release resumes where it ' +
          "stopped), or raise the clients' maxAttempts"
        : 'see the cause');
    super(
      `${call} for ${resource} failed after ${attempts} attempt(s): ${code || 'Error'}: ${what}; ${fix}`,
      {
        cause: options.cause,
      },
    );
    this.name = 'AwsCallError';
  }
}

/** Runs one SDK call; a failure becomes an AwsCallError naming `call` and `resource`. */
export async function callAws<T>(call: string, resource: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw awsCallError(call, resource, error);
  }
}

export function awsCallError(call: string, resource: string, error: unknown, fix?: string): AwsCallError {
  const attempts = (error as SdkErrorShape | undefined)?.$metadata?.attempts ?? 1;
  return new AwsCallError(call, resource, errorCode(error), attempts, {
    cause: error,
    ...(fix === undefined ? {} : { fix }),
  });
}
