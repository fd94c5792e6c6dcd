import type { ALBEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { fixtureEvent } from '../testing/lambda-events.ts';
import { bodyOf, type HttpEvent, isPayloadV2, MalformedEventError, requestOf } from './event.ts';

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
    {
      name: 'an event with a non-Latin-1 header value, percent-encoded as Hono does',
      event: { ...functionUrl, headers: { 'x-name': 'café ☕' } },
      url: 'https://lambda.invalid/?parameter1=value1&parameter1=value2&parameter2=value',
      method: 'POST',
      header: ['x-name', encodeURIComponent('café ☕')],
    },
  ] as { name: string; event: HttpEvent; url: string; method: string; header: [string, string] }[])(
    'turns $name into a Request',
    ({ event, url, method, header: [name, value] }) => {
      const { request } = requestOf(event);
      expect(request).toBeInstanceOf(Request);
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
    expect(requestOf(alb).request.method).toBe('GET');
  });

  it.each([
    { name: 'no object', event: 'GET /', reason: 'not a JSON object' },
    { name: 'an empty object', event: {}, reason: 'neither a payload 2.0 event' },
    { name: 'a body that is no string', event: { ...alb, body: { a: 1 } }, reason: 'body is not a string' },
    {
      name: 'a payload 2.0 event without a method',
      event: { ...functionUrl, requestContext: { http: {} } },
      reason: 'requestContext.http.method',
    },
    {
      name: 'a header fetch refuses',
      event: { ...alb, headers: { 'x-bad': 'a\nb' } },
      reason: 'not valid HTTP',
    },
    { name: 'a method fetch refuses', event: { ...alb, httpMethod: 'CONNECT' }, reason: 'not valid HTTP' },
  ])('refuses $name with a MalformedEventError', ({ event, reason }) => {
    expect(() => requestOf(event)).toThrow(MalformedEventError);
    expect(() => requestOf(event)).toThrow(reason);
  });

  const v2Shapes = ['function-url-post', 'http-api-v2-post'] as const;
  const corruptions = [
    ...[...v2Shapes, 'alb-get' as const].flatMap((shape) => [
      { shape, field: 'body', value: { a: 1 }, reason: 'body is not a string' },
      { shape, field: 'isBase64Encoded', value: 'yes', reason: 'isBase64Encoded is not a boolean' },
      { shape, field: 'headers', value: ['accept'], reason: 'headers is not an object of strings' },
      { shape, field: 'headers', value: { accept: 1 }, reason: 'headers is not an object of strings' },
    ]),
    ...v2Shapes.flatMap((shape) => [
      { shape, field: 'rawQueryString', value: { a: '1' }, reason: 'rawQueryString is not a string' },
      { shape, field: 'cookies', value: 'a=1', reason: 'cookies is not a list of strings' },
      { shape, field: 'cookies', value: ['a=1', 2], reason: 'cookies is not a list of strings' },
    ]),
    ...[
      ['multiValueHeaders', { accept: 'a/b' }, 'an object of string lists'],
      ['multiValueHeaders', { accept: [1] }, 'an object of string lists'],
      ['queryStringParameters', { q: ['1'] }, 'an object of strings'],
      ['multiValueQueryStringParameters', { k: '1' }, 'an object of string lists'],
      ['multiValueQueryStringParameters', ['k'], 'an object of string lists'],
    ].map(([field, value, shape]) => ({
      shape: 'alb-get' as const,
      field: field as string,
      value,
      reason: `${field} is not ${shape}`,
    })),
  ];

  it.each(corruptions)(
    'refuses a $shape event whose $field is $value with a MalformedEventError',
    ({ shape, field, value, reason }) => {
      const event = { ...fixtureEvent(shape), [field]: value };
      expect(() => requestOf(event)).toThrow(MalformedEventError);
      expect(() => requestOf(event)).toThrow(reason);
    },
  );

  // An event carrying payload 2.0's own fields is judged as payload 2.0 whatever ALB fields it also has.
  const albFields = { httpMethod: 'POST', path: '/predict' };
  const requestContextOf = (shape: (typeof v2Shapes)[number]) =>
    fixtureEvent(shape).requestContext as Record<string, unknown>;
  const hybrids = [
    ...v2Shapes.flatMap((shape) => [
      {
        name: `a ${shape} event with a string requestContext.http, ALB fields and numeric cookies`,
        event: {
          ...fixtureEvent(shape),
          ...albFields,
          requestContext: { ...requestContextOf(shape), http: 'x' },
          cookies: 5,
        },
        reason: 'requestContext.http is not an object',
      },
      {
        name: `a ${shape} event with a null requestContext.http and ALB fields`,
        event: {
          ...fixtureEvent(shape),
          ...albFields,
          requestContext: { ...requestContextOf(shape), http: null },
        },
        reason: 'requestContext.http is not an object',
      },
      {
        name: `a ${shape} event with ALB fields and numeric cookies`,
        event: { ...fixtureEvent(shape), ...albFields, cookies: 5 },
        reason: 'cookies is not a list of strings',
      },
    ]),
    {
      name: 'an alb-get event that also carries a rawPath',
      event: { ...fixtureEvent('alb-get'), rawPath: '/predict' },
      reason: 'requestContext.http is not an object',
    },
    {
      name: 'an alb-get event that also carries a requestContext.http',
      event: {
        ...fixtureEvent('alb-get'),
        requestContext: { ...(fixtureEvent('alb-get').requestContext as object), http: { method: 'POST' } },
      },
      reason: 'rawPath is not a string',
    },
  ];

  it.each(hybrids)('refuses $name with a MalformedEventError', ({ event, reason }) => {
    expect(() => requestOf(event)).toThrow(MalformedEventError);
    expect(() => requestOf(event)).toThrow(reason);
  });

  it.each(v2Shapes)('maps a whole %s event that also carries ALB fields as payload 2.0', (shape) => {
    const event = { ...fixtureEvent(shape), httpMethod: 'GET', path: '/health', rawPath: '/predict' };
    const { event: mapped, request } = requestOf(event);
    expect(isPayloadV2(mapped)).toBe(true);
    expect(request.method).toBe('POST');
    expect(new URL(request.url).pathname).toBe('/predict');
  });

  it.each([...v2Shapes, 'alb-get' as const])('accepts a %s event whose optional fields are null', (shape) => {
    const fields = ['body', 'headers', 'cookies', 'rawQueryString', 'multiValueHeaders'];
    const event = { ...fixtureEvent(shape), ...Object.fromEntries(fields.map((field) => [field, null])) };
    expect(() => requestOf(event)).not.toThrow();
  });

  it('keeps fetch’s own TypeError as the cause', () => {
    const error = (() => {
      try {
        requestOf({ ...alb, headers: { 'x-bad': 'a\nb' } });
      } catch (thrown) {
        return thrown;
      }
    })();
    expect((error as Error).cause).toBeInstanceOf(TypeError);
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
