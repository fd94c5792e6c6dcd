import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createObserver,
  LATENCY_METRIC,
  type Observer,
  powertoolsMetrics,
  STATUS_CLASS_DIMENSION,
} from '../observability.ts';
import { fixtureEvent, lambdaEvent } from '../testing/lambda-events.ts';
import { recordingObserver } from '../testing/recording-observer.ts';
import { localLambdaContext } from './context.ts';
import {
  LAMBDA_BINDINGS,
  type LambdaBindings,
  type LambdaHandlerDependencies,
  lambdaHandler,
} from './handler.ts';

const functionUrl = fixtureEvent('function-url-post') as unknown as APIGatewayProxyEventV2;

const neverCalled = () => {
  throw new Error('the app must not be called');
};

const MODEL_VERSION = 'test-model';
const handlerOf = (
  fetch: LambdaHandlerDependencies['app']['fetch'],
  observer: Observer = recordingObserver(),
) => lambdaHandler({ app: { fetch }, observer, modelVersion: MODEL_VERSION });

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
    const result = await handlerOf(neverCalled, observer)(event, localLambdaContext());

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
    const result = await handlerOf(neverCalled)(event, localLambdaContext());
    expect(result.body).not.toMatch(/Headers|invalid header value|a\\nb/i);
  });

  it('answers an app that throws with a logged 500 that leaks nothing', async () => {
    const observer = recordingObserver();
    const handler = handlerOf(() => {
      throw new TypeError('secret internal detail');
    }, observer);

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

    const result = await handlerOf(neverCalled, observer)(event, localLambdaContext());

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
    const handler = handlerOf((_request, bindings: LambdaBindings) => {
      seen = {
        body: Buffer.from(LAMBDA_BINDINGS.bufferedBodyOf(bindings) ?? []).toString(),
        invocation: LAMBDA_BINDINGS.invocationOf(bindings),
      };
      return new Response('');
    });

    await handler(
      { ...functionUrl, body: Buffer.from('{}').toString('base64'), isBase64Encoded: true },
      context,
    );

    expect(seen).toEqual({ body: '{}', invocation: { requestId: context.awsRequestId, alias: '$LATEST' } });
  });
});

/** The app's answer, the ALB way of failing it, and an app that throws: what the client gets is what is recorded. */
const predictOn = (shape: 'function-url-post' | 'alb-get') =>
  lambdaEvent(shape, { method: 'POST', path: '/predict', contentType: 'application/json', body: '{}' });
const twoCookies = () => {
  const headers = new Headers({ 'content-type': 'application/json' });
  headers.append('set-cookie', 'a=1');
  headers.append('set-cookie', 'b=2');
  return new Response('{}', { headers });
};
const outcomes = [
  {
    name: 'an app answer',
    event: predictOn('function-url-post'),
    fetch: () => Response.json({}),
    status: 200,
  },
  {
    name: 'an app that throws',
    event: predictOn('function-url-post'),
    fetch: () => {
      throw new Error('boom');
    },
    status: 500,
  },
  {
    name: 'two cookies for an ALB without multi-value headers',
    event: predictOn('alb-get'),
    fetch: twoCookies,
    status: 500,
  },
];

describe('the request record', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each(outcomes)('records $name once, with the status the client gets ($status)', async (outcome) => {
    const observer = recordingObserver();
    const context = localLambdaContext();

    const result = await handlerOf(outcome.fetch, observer)(outcome.event, context);

    expect(result.statusCode).toBe(outcome.status);
    expect(observer.requests).toEqual([
      {
        requestId: context.awsRequestId,
        alias: '$LATEST',
        method: 'POST',
        path: '/predict',
        status: outcome.status,
        latencyMs: expect.any(Number),
        modelVersion: MODEL_VERSION,
      },
    ]);
  });

  it.each(outcomes)('flushes one EMF Latency value of its status class for $name', async (outcome) => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => writes.push(String(chunk)) > 0);
    const log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    const observer = createObserver(log, {
      sink: powertoolsMetrics('Test', log),
      stage: 'test',
      functionVersion: '1',
    });

    await handlerOf(outcome.fetch, observer)(outcome.event, localLambdaContext());

    const emf = writes
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => '_aws' in line);
    expect(emf).toEqual([
      expect.objectContaining({
        [STATUS_CLASS_DIMENSION]: `${String(outcome.status)[0]}xx`,
        [LATENCY_METRIC]: expect.any(Number),
      }),
    ]);
  });
});
