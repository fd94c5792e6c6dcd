import type { LambdaFunctionURLEvent } from 'aws-lambda';

/**
 * The two translations a Lambda Function URL makes, as pure functions: an HTTP request into the event (payload
 * 2.0) Lambda hands the handler, and the handler's result back into an HTTP response. They follow "Invoking
 * Lambda function URLs: request and response payloads" (docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html)
 * for a URL with auth type NONE, which is what the local fronts stand for: no `authorizer`, and Lambda writes
 * `anonymous` for the account of an unsigned caller.
 */

export type FunctionUrlEvent = LambdaFunctionURLEvent;

export interface HttpRequestFacts {
  readonly method: string;
  /** The request target as sent: path and optional `?query`, still percent-encoded. */
  readonly rawUrl: string;
  /**
   * Node's request headers. Pass `request.headersDistinct` to keep each repeated header's values apart (they are
   * joined with ',' as Lambda joins them); `request.headers` works too, with Node's own joins.
   */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Uint8Array;
  readonly sourceIp: string;
  readonly requestId: string;
  readonly now: Date;
  /** The host the URL answers on (`127.0.0.1:3000`); its first label stands for the url-id. */
  readonly domainName: string;
  /** `HTTP/1.1` unless told. */
  readonly protocol?: string;
}

/**
 * A body of one of these content types travels as text; any other (or none given) as base64. A form post
 * (application/x-www-form-urlencoded) arrives base64-encoded from a real Function URL too, a surprise handlers
 * trip on (github.com/LeanerCloud/CUDly/pull/1483).
 */
const TEXTUAL_CONTENT_TYPE =
  /^\s*(text\/|application\/([\w.-]+\+)?(json|xml|javascript)\b|image\/svg\+xml\b)/i;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const twoDigits = (n: number) => String(n).padStart(2, '0');

/** `12/Mar/2020:19:03:58 +0000`, the CLF time Lambda writes into requestContext.time. */
function requestTime(now: Date): string {
  return (
    `${twoDigits(now.getUTCDate())}/${MONTHS[now.getUTCMonth()]}/${now.getUTCFullYear()}:` +
    `${twoDigits(now.getUTCHours())}:${twoDigits(now.getUTCMinutes())}:${twoDigits(now.getUTCSeconds())} +0000`
  );
}

const valuesOf = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

export function functionUrlEvent(request: HttpRequestFacts): FunctionUrlEvent {
  const queryAt = request.rawUrl.indexOf('?');
  const rawPath = queryAt < 0 ? request.rawUrl : request.rawUrl.slice(0, queryAt);
  const rawQueryString = queryAt < 0 ? '' : request.rawUrl.slice(queryAt + 1);

  // Lambda lower-cases header names, joins repeated values with ',' and moves Cookie into its own list.
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    const values = valuesOf(value);
    if (values.length === 0) continue;
    const key = name.toLowerCase();
    if (key === 'cookie') {
      for (const line of values) cookies.push(...line.split(';').map((cookie) => cookie.trim()));
      continue;
    }
    headers[key] = headers[key] === undefined ? values.join(',') : `${headers[key]},${values.join(',')}`;
  }
  headers['x-forwarded-for'] ??= request.sourceIp;
  headers['x-forwarded-proto'] ??= 'http';

  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    const joined = queryStringParameters[key];
    queryStringParameters[key] = joined === undefined ? value : `${joined},${value}`;
  }

  const domainPrefix = request.domainName.split('.')[0] ?? request.domainName;
  const event: FunctionUrlEvent = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies.some((cookie) => cookie !== '')
      ? { cookies: cookies.filter((cookie) => cookie !== '') }
      : {}),
    headers,
    ...(rawQueryString === '' ? {} : { queryStringParameters }),
    requestContext: {
      accountId: 'anonymous',
      apiId: domainPrefix,
      domainName: request.domainName,
      domainPrefix,
      http: {
        method: request.method,
        path: rawPath,
        protocol: request.protocol ?? 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId,
      routeKey: '$default',
      stage: '$default',
      time: requestTime(request.now),
      timeEpoch: request.now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (request.body.byteLength > 0) {
    const bytes = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    const isText = TEXTUAL_CONTENT_TYPE.test(headers['content-type'] ?? '');
    event.body = bytes.toString(isText ? 'utf8' : 'base64');
    event.isBase64Encoded = !isText;
  }
  return event;
}

export interface HttpResponseParts {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** One Set-Cookie header each. */
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What a Function URL answers when the function's result is no response it can send. */
const UNMAPPABLE: HttpResponseParts = {
  status: 502,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from(JSON.stringify({ Message: 'Internal Server Error' })),
};

const unmappable = (): HttpResponseParts => ({ ...UNMAPPABLE, headers: { ...UNMAPPABLE.headers } });

/**
 * The HTTP response for a function's result. A result with a statusCode is a response as given; any other JSON
 * value is a 200 application/json whose body is the value (a string as it is, anything else as JSON), as
 * Lambda infers it. A result it cannot send (a bad status, a header, cookie or body of the wrong type) is
 * Lambda's 502.
 */
export function httpResponseOf(result: unknown): HttpResponseParts {
  if (!isRecord(result) || !('statusCode' in result)) {
    // A handler that returns nothing hands Lambda the JSON value null, which is what the body then reads.
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      cookies: [],
      body: Buffer.from(body),
    };
  }
  const { statusCode, headers = {}, cookies = [], body, isBase64Encoded = false } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599)
    return unmappable();
  if (!isRecord(headers) || !Array.isArray(cookies) || typeof isBase64Encoded !== 'boolean')
    return unmappable();
  if (body !== undefined && body !== null && typeof body !== 'string') return unmappable();
  const headerValues: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) return unmappable();
    headerValues[name.toLowerCase()] = String(value);
  }
  if (!cookies.every((cookie) => typeof cookie === 'string')) return unmappable();
  return {
    status: statusCode,
    headers: headerValues,
    cookies,
    body: Buffer.from(body ?? '', isBase64Encoded ? 'base64' : 'utf8'),
  };
}
