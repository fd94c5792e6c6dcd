import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bodyOf, requestOf } from '../../../service/src/lambda/event.ts';
import { functionUrlEvent, type HttpRequestFacts, httpResponseOf } from './function-url.ts';

const fixture = JSON.parse(
  readFileSync(
    new URL('../../../test/fixtures/lambda-events/function-url-post.json', import.meta.url),
    'utf8',
  ),
) as Record<string, unknown>;

const NOW = new Date(Date.UTC(2020, 2, 12, 19, 3, 58, 390));

const request = (overrides: Partial<HttpRequestFacts> = {}): HttpRequestFacts => ({
  method: 'POST',
  rawUrl: '/predict?parameter1=value1&parameter1=value2&parameter2=a%20b',
  headers: {
    host: '127.0.0.1:3000',
    'content-type': 'application/json',
    'user-agent': 'agent',
    cookie: 'cookie1=a; cookie2=b',
    'X-Two': ['value1', 'value2'],
  },
  body: new TextEncoder().encode('{"features":[1,2]}'),
  sourceIp: '127.0.0.1',
  requestId: 'request-1',
  now: NOW,
  domainName: '127.0.0.1:3000',
  ...overrides,
});

/** Each key's JSON type, by path, for the fixture and our event alike (null where AWS leaves it empty). */
function shapeOf(value: unknown, path = ''): Map<string, string> {
  const shape = new Map<string, string>();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return shape;
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    const isMap = ['headers', 'queryStringParameters'].includes(at);
    shape.set(at, child === null ? 'null' : Array.isArray(child) ? 'array' : typeof child);
    if (!isMap) for (const [k, v] of shapeOf(child, at)) shape.set(k, v);
  }
  return shape;
}

describe('functionUrlEvent', () => {
  it('has the keys and types of a real Function URL event, but for what only IAM auth or the docs sample adds', () => {
    const ours = shapeOf(functionUrlEvent(request()));
    const real = shapeOf(fixture);
    for (const [key, type] of ours) {
      expect(real.has(key), `${key} is not in a real event`).toBe(true);
      // The sample's body is null (no body); ours carries one.
      if (real.get(key) !== 'null') expect(type, key).toBe(real.get(key));
    }
    const missing = [...real.keys()].filter(
      (key) => !ours.has(key) && !key.startsWith('requestContext.authorizer.'),
    );
    // An auth-type NONE URL sends no authorizer or authentication; the docs' sample nulls two keys real events omit.
    expect(missing.sort()).toEqual(
      [
        'pathParameters',
        'requestContext.authentication',
        'requestContext.authorizer',
        'stageVariables',
      ].sort(),
    );
  });

  it('maps the request as Lambda does: path, query, cookies, joined headers, request context', () => {
    const event = functionUrlEvent(request());
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/predict',
      rawQueryString: 'parameter1=value1&parameter1=value2&parameter2=a%20b',
      cookies: ['cookie1=a', 'cookie2=b'],
      queryStringParameters: { parameter1: 'value1,value2', parameter2: 'a b' },
      body: '{"features":[1,2]}',
      isBase64Encoded: false,
      requestContext: {
        accountId: 'anonymous',
        apiId: '127',
        domainName: '127.0.0.1:3000',
        domainPrefix: '127',
        http: {
          method: 'POST',
          path: '/predict',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'agent',
        },
        requestId: 'request-1',
        routeKey: '$default',
        stage: '$default',
        time: '12/Mar/2020:19:03:58 +0000',
        timeEpoch: NOW.getTime(),
      },
    });
    expect(event.headers).toEqual({
      host: '127.0.0.1:3000',
      'content-type': 'application/json',
      'user-agent': 'agent',
      'x-two': 'value1,value2',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
    });
  });

  it('sends a body without a text content type as base64, and no body, query or cookies when there are none', () => {
    const bytes = new Uint8Array([0, 255, 1, 2]);
    const binary = functionUrlEvent(
      request({ headers: { 'content-type': 'application/octet-stream' }, body: bytes }),
    );
    expect(binary).toMatchObject({ body: Buffer.from(bytes).toString('base64'), isBase64Encoded: true });
    for (const contentType of ['application/x-www-form-urlencoded', 'image/png', undefined]) {
      const headers = contentType === undefined ? {} : { 'content-type': contentType };
      const event = functionUrlEvent(request({ headers, body: new TextEncoder().encode('a=1') }));
      expect(event, String(contentType)).toMatchObject({ body: 'YT0x', isBase64Encoded: true });
    }
    for (const contentType of ['text/plain; charset=utf-8', 'application/problem+json', 'application/xml']) {
      const event = functionUrlEvent(
        request({ headers: { 'content-type': contentType }, body: new TextEncoder().encode('a=1') }),
      );
      expect(event, contentType).toMatchObject({ body: 'a=1', isBase64Encoded: false });
    }

    const bare = functionUrlEvent(
      request({ method: 'GET', rawUrl: '/health', headers: {}, body: new Uint8Array() }),
    );
    expect(bare).not.toHaveProperty('body');
    expect(bare).not.toHaveProperty('cookies');
    expect(bare).not.toHaveProperty('queryStringParameters');
    expect(bare).toMatchObject({ rawPath: '/health', rawQueryString: '', isBase64Encoded: false });
  });

  it("is an event the service's requestOf accepts, with the same method, URL, headers and body", async () => {
    const binary = new Uint8Array([1, 2, 3]);
    for (const facts of [
      request(),
      request({ headers: { 'content-type': 'application/octet-stream' }, body: binary }),
      request({ method: 'GET', rawUrl: '/health', headers: {}, body: new Uint8Array() }),
    ]) {
      const { event, request: fetchRequest } = requestOf(functionUrlEvent(facts));
      expect(fetchRequest.method).toBe(facts.method);
      expect(new URL(fetchRequest.url).pathname + new URL(fetchRequest.url).search).toBe(facts.rawUrl);
      expect(Buffer.from(bodyOf(event) ?? [])).toEqual(Buffer.from(facts.body));
    }
    const { request: withCookies } = requestOf(functionUrlEvent(request()));
    expect(withCookies.headers.get('cookie')).toBe('cookie1=a; cookie2=b');
    expect(withCookies.headers.get('content-type')).toBe('application/json');
  });
});

describe('httpResponseOf', () => {
  it('sends a result with a statusCode as given: headers, cookies, text body', () => {
    const response = httpResponseOf({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', 'x-count': 3 },
      cookies: ['a=1', 'b=2'],
      body: '{"ok":true}',
      isBase64Encoded: false,
    });
    expect(response).toEqual({
      status: 201,
      headers: { 'content-type': 'application/json', 'x-count': '3' },
      cookies: ['a=1', 'b=2'],
      body: Buffer.from('{"ok":true}'),
    });
  });

  it('decodes a base64 body, and sends an empty one when the result has none', () => {
    expect(httpResponseOf({ statusCode: 200, body: 'AP8B', isBase64Encoded: true }).body).toEqual(
      Buffer.from([0, 255, 1]),
    );
    expect(httpResponseOf({ statusCode: 204 })).toEqual({
      status: 204,
      headers: {},
      cookies: [],
      body: Buffer.from(''),
    });
  });

  it('infers a 200 application/json from a result without a statusCode: a string as it is, else its JSON', () => {
    expect(httpResponseOf({ message: 'hi' })).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
      cookies: [],
      body: Buffer.from('{"message":"hi"}'),
    });
    expect(httpResponseOf('Hello').body.toString()).toBe('Hello');
    expect(httpResponseOf([1, 2]).body.toString()).toBe('[1,2]');
    expect(httpResponseOf(7).body.toString()).toBe('7');
    // Nothing returned reaches Lambda as null (and crosses the IPC channel as no result at all).
    expect(httpResponseOf(null)).toMatchObject({ status: 200, body: Buffer.from('null') });
    expect(httpResponseOf(undefined)).toMatchObject({ status: 200, body: Buffer.from('null') });
  });

  it.each([
    ['a status that is no number', { statusCode: '200' }],
    ['a status out of range', { statusCode: 42 }],
    ['a fractional status', { statusCode: 200.5 }],
    ['a body that is no string', { statusCode: 200, body: { a: 1 } }],
    ['headers that are no object', { statusCode: 200, headers: ['x'] }],
    ['a header value that is an object', { statusCode: 200, headers: { a: {} } }],
    ['cookies that are no list of strings', { statusCode: 200, cookies: [1] }],
    ['isBase64Encoded that is no boolean', { statusCode: 200, isBase64Encoded: 'yes' }],
  ])('answers %s with 502', (_, result) => {
    const response = httpResponseOf(result);
    expect(response.status).toBe(502);
    expect(JSON.parse(response.body.toString())).toEqual({ Message: 'Internal Server Error' });
  });
});
