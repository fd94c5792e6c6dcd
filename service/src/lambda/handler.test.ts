import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { fixtureEvent } from '../testing/lambda-events.ts';
import { recordingObserver } from '../testing/recording-observer.ts';
import { localLambdaContext } from './context.ts';
import { LAMBDA_BINDINGS, type LambdaBindings, lambdaHandler } from './handler.ts';

const functionUrl = fixtureEvent('function-url-post') as unknown as APIGatewayProxyEventV2;

const neverCalled = () => {
  throw new Error('the app must not be called');
};

describe('lambdaHandler', () => {
  it.each([
    { name: 'no HTTP event at all', event: {} },
    { name: 'an event fetch cannot carry', event: { ...functionUrl, headers: { 'x-bad': 'a\nb' } } },
    {
      name: 'an ALB event whose multi-value query is no list',
      event: { ...fixtureEvent('alb-get'), multiValueQueryStringParameters: { k: '1' } },
    },
  ])('answers $name with a logged 400 problem, without calling the app', async ({ event }) => {
    const observer = recordingObserver();
    const result = await lambdaHandler({ fetch: neverCalled }, observer)(event, localLambdaContext());

    expect(result).toMatchObject({
      statusCode: 400,
      headers: { 'content-type': 'application/problem+json' },
    });
    expect(JSON.parse(result.body ?? '')).toMatchObject({
      status: 400,
      detail: expect.stringContaining('not an HTTP request'),
    });
    expect(observer.malformedEvents).toHaveLength(1);
    expect(observer.errors).toHaveLength(0);
  });

  it('does not echo fetch’s own message in the 400', async () => {
    const event = { ...functionUrl, headers: { 'x-bad': 'a\nb' } };
    const result = await lambdaHandler({ fetch: neverCalled }, recordingObserver())(
      event,
      localLambdaContext(),
    );
    expect(result.body).not.toMatch(/Headers|invalid header value|a\\nb/i);
  });

  it('answers an app that throws with a logged 500 that leaks nothing', async () => {
    const observer = recordingObserver();
    const handler = lambdaHandler(
      {
        fetch: () => {
          throw new TypeError('secret internal detail');
        },
      },
      observer,
    );

    const result = await handler(functionUrl, localLambdaContext());

    expect(result).toMatchObject({
      statusCode: 500,
      headers: { 'content-type': 'application/problem+json' },
    });
    expect(result.body).not.toContain('secret');
    expect(observer.errors).toEqual([new TypeError('secret internal detail')]);
  });

  it('answers a failure while reading the event that is not the event’s fault with a logged 500', async () => {
    const observer = recordingObserver();
    const event = {
      ...functionUrl,
      get headers(): Record<string, string> {
        throw new Error('secret internal detail');
      },
    };

    const result = await lambdaHandler({ fetch: neverCalled }, observer)(event, localLambdaContext());

    expect(result).toMatchObject({
      statusCode: 500,
      headers: { 'content-type': 'application/problem+json' },
    });
    expect(result.body).not.toContain('secret');
    expect(observer.errors).toEqual([new Error('secret internal detail')]);
    expect(observer.malformedEvents).toHaveLength(0);
  });

  it('hands the app the decoded body and the Lambda context', async () => {
    const context = localLambdaContext();
    let seen: { body?: string; invocation?: unknown } = {};
    const handler = lambdaHandler(
      {
        fetch: (_request, bindings: LambdaBindings) => {
          seen = {
            body: Buffer.from(LAMBDA_BINDINGS.bufferedBodyOf(bindings) ?? []).toString(),
            invocation: LAMBDA_BINDINGS.invocationOf(bindings),
          };
          return new Response('');
        },
      },
      recordingObserver(),
    );

    await handler(
      { ...functionUrl, body: Buffer.from('{}').toString('base64'), isBase64Encoded: true },
      context,
    );

    expect(seen).toEqual({ body: '{}', invocation: { requestId: context.awsRequestId, alias: '$LATEST' } });
  });
});
