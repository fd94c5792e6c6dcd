/**
 * Throttling through real SDK clients built with awsRetryConfig (aws-sdk-client-mock replaces `send`, and with
 * it the retry middleware, so these tests answer at the HTTP layer instead): a throttled call is retried by
 * the SDK's standard mode, and one throttled on every attempt surfaces as an AwsCallError naming the call,
 * the function and the attempts. The release record's DynamoDB calls likewise, and an append keeps its one
 * ClientRequestToken across attempts. The backoff's timers are faked, so the test waits for none of them.
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { HttpResponse } from '@smithy/protocol-http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReleaseRecordStore } from '../port.ts';
import { AWS_MAX_ATTEMPTS, AwsCallError, awsRetryConfig, createAwsClients } from './aws-call.ts';
import { AwsPlatform } from './aws-platform.ts';
import { DynamoDbReleaseRecordStore } from './dynamodb-release-record.ts';

interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
}

/** An HTTP handler answering from `answers` in turn (the last one repeats), counting the requests and keeping their bodies. */
function scriptedHandler(answers: readonly Answer[]) {
  const handler = {
    requests: 0,
    bodies: [] as unknown[],
    async handle(request: { body?: unknown }) {
      const answer = answers[Math.min(handler.requests, answers.length - 1)] as Answer;
      handler.requests += 1;
      handler.bodies.push(request.body);
      return {
        response: new HttpResponse({
          statusCode: answer.status,
          headers: { 'content-type': 'application/json', ...answer.headers },
          body: new TextEncoder().encode(JSON.stringify(answer.body)),
        }),
      };
    },
  };
  return handler;
}

const config = (handler: ReturnType<typeof scriptedHandler>) => ({
  ...awsRetryConfig(),
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' },
  requestHandler: handler,
});

function platformWith(handlers: {
  lambda?: ReturnType<typeof scriptedHandler>;
  autoScaling?: ReturnType<typeof scriptedHandler>;
  cloudWatch?: ReturnType<typeof scriptedHandler>;
}) {
  const none = scriptedHandler([{ status: 500, body: {} }]);
  return new AwsPlatform({
    functionName: 'shiftgate-prod',
    stage: 'prod',
    releaseRecord: {} as ReleaseRecordStore,
    clients: {
      lambda: new LambdaClient(config(handlers.lambda ?? none)),
      autoScaling: new ApplicationAutoScalingClient(config(handlers.autoScaling ?? none)),
      cloudWatch: new CloudWatchClient(config(handlers.cloudWatch ?? none)),
    },
  });
}

/**
 * Runs `call` to the end with the SDK's backoff timers fast-forwarded, a second of fake time per step: the SDK
 * schedules its next wait only after real work (its first request loads modules), so one run of the timers
 * could come before the wait exists.
 */
async function settle<T>(call: Promise<T>): Promise<T | unknown> {
  let settled = false;
  const outcome = call
    .catch((error: unknown) => error)
    .finally(() => {
      settled = true;
    });
  for (let step = 0; !settled && step < 1_000; step += 1) await vi.advanceTimersByTimeAsync(1_000);
  return outcome;
}

const lambdaThrottled: Answer = {
  status: 429,
  headers: { 'x-amzn-errortype': 'TooManyRequestsException' },
  body: { message: 'Rate exceeded', Type: 'User', Reason: 'CallerRateLimitExceeded' },
};
const alias: Answer = { status: 200, body: { Name: 'live', FunctionVersion: '7', RevisionId: 'rev-1' } };
const scalingThrottled: Answer = {
  status: 400,
  body: { __type: 'ThrottlingException', Message: 'Rate exceeded' },
};
const cloudWatchThrottled: Answer = {
  status: 400,
  headers: { 'x-amzn-query-error': 'Throttling;Sender' },
  body: { __type: 'Throttling', message: 'Rate exceeded' },
};

const dynamoThrottled: Answer = {
  status: 400,
  body: {
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'Rate exceeded',
  },
};
const lockFields = {
  releaseId: { S: 'rel-1' },
  holder: { S: 'runner A' },
  acquiredAt: { S: '2026-11-30T05:00:00.000Z' },
};
const recordWith = (handler: ReturnType<typeof scriptedHandler>) =>
  new DynamoDbReleaseRecordStore({
    client: new DynamoDBClient(config(handler)),
    tableName: 'releases',
    functionName: 'f',
  });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('AwsPlatform under throttling, through the SDK standard retry mode', () => {
  it('retries a TooManyRequestsException on GetAlias and returns the alias once Lambda answers', async () => {
    const lambda = scriptedHandler([lambdaThrottled, lambdaThrottled, alias]);
    const result = await settle(platformWith({ lambda }).readAlias());
    expect(result).toEqual({ name: 'live', version: '7', weights: {}, revisionId: 'rev-1' });
    expect(lambda.requests).toBe(3);
  });

  it('gives up after maxAttempts with an AwsCallError naming the call, the function and the attempts', async () => {
    const lambda = scriptedHandler([lambdaThrottled]);
    const error = await settle(platformWith({ lambda }).readAlias());
    expect(lambda.requests).toBe(AWS_MAX_ATTEMPTS);
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({
      call: 'GetAlias',
      code: 'TooManyRequestsException',
      attempts: AWS_MAX_ATTEMPTS,
    });
    expect((error as Error).message).toContain(
      `GetAlias for shiftgate-prod:live failed after ${AWS_MAX_ATTEMPTS} attempt(s): TooManyRequestsException`,
    );
  });

  it('retries an Application Auto Scaling ThrottlingException, then registers the suspended state', async () => {
    const autoScaling = scriptedHandler([scalingThrottled, { status: 200, body: {} }]);
    const previous = {
      qualifier: 'live',
      minCapacity: 1,
      maxCapacity: 4,
      targetUtilization: 0.7,
      suspendedState: {
        dynamicScalingInSuspended: false,
        dynamicScalingOutSuspended: false,
        scheduledScalingSuspended: false,
      },
    };
    expect(await settle(platformWith({ autoScaling }).resumeScaling(previous))).toBeUndefined();
    expect(autoScaling.requests).toBe(2);
  });

  it('surfaces a GetMetricData throttled on every attempt naming the call and the version', async () => {
    const cloudWatch = scriptedHandler([cloudWatchThrottled]);
    const range = { start: new Date('2026-11-30T12:00:00Z'), end: new Date('2026-11-30T12:05:00Z') };
    const error = await settle(platformWith({ cloudWatch }).versionMetrics('8', range, 'live'));
    expect(cloudWatch.requests).toBe(AWS_MAX_ATTEMPTS);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^GetMetricData for shiftgate-prod:8 \\(via live\\) failed after ${AWS_MAX_ATTEMPTS} attempt`,
      ),
    );
  });

  it('retries a DynamoDB ProvisionedThroughputExceededException, then reads the lock', async () => {
    const dynamoDb = scriptedHandler([
      dynamoThrottled,
      { status: 200, body: { Item: { pk: { S: 'f' }, sk: { S: 'lock' }, ...lockFields } } },
    ]);
    const store = recordWith(dynamoDb);
    expect(await settle(store.currentLock())).toEqual({
      releaseId: 'rel-1',
      holder: 'runner A',
      acquiredAt: '2026-11-30T05:00:00.000Z',
    });
    expect(dynamoDb.requests).toBe(2);
  });

  it('sends one ClientRequestToken on every attempt of an append, so a retry cannot write it twice', async () => {
    const dynamoDb = scriptedHandler([dynamoThrottled, dynamoThrottled, { status: 200, body: {} }]);
    const written = await settle(recordWith(dynamoDb).append({ releaseId: 'rel-1', type: 't', data: 1 }, 1));
    expect(written).toMatchObject({ sequence: 1 });
    const tokens = dynamoDb.bodies.map((body) => JSON.parse(String(body)).ClientRequestToken);
    expect(tokens).toHaveLength(3);
    expect(tokens[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(tokens).size).toBe(1);
  });

  it('surfaces a DynamoDB call throttled on every attempt naming the call, the table and the key', async () => {
    const dynamoDb = scriptedHandler([dynamoThrottled]);
    const error = await settle(recordWith(dynamoDb).currentLock());
    expect(dynamoDb.requests).toBe(AWS_MAX_ATTEMPTS);
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as Error).message).toContain(
      `GetItem for releases (pk f, sk lock) failed after ${AWS_MAX_ATTEMPTS} attempt(s): ProvisionedThroughputExceededException`,
    );
  });

  it('builds every client of createAwsClients with AWS_MAX_ATTEMPTS', async () => {
    const built = createAwsClients({ region: 'eu-west-1' });
    for (const client of [built.lambda, built.autoScaling, built.cloudWatch, built.dynamoDb]) {
      expect(await client.config.maxAttempts()).toBe(AWS_MAX_ATTEMPTS);
    }
  });
});
