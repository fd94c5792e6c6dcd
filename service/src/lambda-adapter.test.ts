import type { ALBEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { bodyOf, type HttpEvent, lambdaHandler, requestOf, resultOf } from './lambda-adapter.ts';
import { localLambdaContext } from './local-lambda-context.ts';
import { fixtureEvent } from './testing/lambda-events.ts';

const functionUrl = fixtureEvent('function-url-post') as unknown as APIGatewayProxyEventV2;
const alb = fixtureEvent('alb-get') as unknown as ALBEvent;

describe('requestOf', () => {
  it.each([
    {
      name: 'a payload 2.0 event, with its raw query and cookies',
      event: { ...functionUrl, rawPath: '/predict' },
      url: 'https://lambda.invalid/predict?parameter1=value1&parameter1=value2&parameter2=value',
      method: 'POST',
      header: ['cookie', 'cookie1; cookie2'],
    },
    {
      name: 'an ALB event, with its still-encoded query',
      event: { ...alb, path: '/health', queryStringParameters: { q: 'a%20b' } },
      url: 'https://lambda.invalid/health?q=a%20b',
      method: 'GET',
      header: ['x-forwarded-proto', 'http'],
    },
    {
      name: 'an ALB event with multi-value query and headers',
      event: {
        ...alb,
        headers: undefined,
        queryStringParameters: undefined,
        multiValueQueryStringParameters: { k: ['1', '2'] },
        multiValueHeaders: { accept: ['a/b', 'c/d'] },
      },
      url: 'https://lambda.invalid/lambda?k=1&k=2',
      method: 'GET',
      header: ['accept', 'a/b, c/d'],
    },
  ] as { name: string; event: HttpEvent; url: string; method: string; header: [string, string] }[])(
    'turns $name into a Request',
    ({ event, url, method, header: [name, value] }) => {
      const request = requestOf(event);
      expect(request.url).toBe(url);
      expect(request.method).toBe(method);
      expect(request.headers.get(name)).toBe(value);
    },
  );

  it('ignores the host: a placeholder domain name still makes a Request', () => {
    expect(functionUrl.requestContext.domainName).toContain('<url-id>');
    expect(() => requestOf(functionUrl)).not.toThrow();
  });

  it('keeps a GET that an ALB forwarded with a body a valid Request', () => {
    expect(alb.body).toBe('Test');
    expect(requestOf(alb).method).toBe('GET');
  });
});

describe('bodyOf', () => {
  it.each([
    { body: '{"a":1}', isBase64Encoded: false, text: '{"a":1}' },
    { body: Buffer.from('{"é":1}').toString('base64'), isBase64Encoded: true, text: '{"é":1}' },
    { body: null, isBase64Encoded: false, text: undefined },
    { body: '', isBase64Encoded: false, text: undefined },
  ])('decodes $body (base64: $isBase64Encoded)', ({ body, isBase64Encoded, text }) => {
    const bytes = bodyOf({ ...alb, body, isBase64Encoded });
    expect(bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8')).toBe(text);
  });
});

describe('resultOf', () => {
  const response = () =>
    new Response('{"ok":true}', { status: 201, headers: { 'content-type': 'application/json' } });

  it('answers single-value headers to payload 2.0 and a plain ALB', async () => {
    for (const event of [functionUrl, alb]) {
      expect(await resultOf(event, response())).toEqual({
        statusCode: 201,
        body: '{"ok":true}',
        isBase64Encoded: false,
        headers: { 'content-type': 'application/json' },
      });
    }
  });

  it('answers multi-value headers to an ALB that sent them', async () => {
    const result = await resultOf({ ...alb, multiValueHeaders: { host: ['x'] } }, response());
    expect(result).toMatchObject({ multiValueHeaders: { 'content-type': ['application/json'] } });
    expect(result).not.toHaveProperty('headers');
  });
});

describe('lambdaHandler', () => {
  it('answers an event fetch cannot carry with a 400 problem, without calling the app', async () => {
    let called = false;
    const handler = lambdaHandler({
      fetch: () => {
        called = true;
        return new Response();
      },
    });

    const result = await handler({ ...alb, headers: { 'x-bad': 'a\nb' } }, localLambdaContext());

    expect(result).toMatchObject({
      statusCode: 400,
      headers: { 'content-type': 'application/problem+json' },
    });
    expect(called).toBe(false);
  });

  it('answers an event that is no HTTP event at all with a 400 problem', async () => {
    const handler = lambdaHandler({ fetch: () => new Response() });
    const result = await handler({} as HttpEvent, localLambdaContext());
    expect(result).toMatchObject({
      statusCode: 400,
      headers: { 'content-type': 'application/problem+json' },
    });
  });

  it('hands the app the decoded body and the Lambda context', async () => {
    const context = localLambdaContext();
    let seen: { body?: string; requestId?: string } = {};
    const handler = lambdaHandler({
      fetch: (_request, bindings) => {
        seen = {
          body: Buffer.from(bindings.body ?? []).toString(),
          requestId: bindings.lambdaContext.awsRequestId,
        };
        return new Response('');
      },
    });

    await handler(
      { ...functionUrl, body: Buffer.from('{}').toString('base64'), isBase64Encoded: true },
      context,
    );

    expect(seen).toEqual({ body: '{}', requestId: context.awsRequestId });
  });
});
