import type { ALBEvent, APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * A Lambda HTTP event (Function URL or API Gateway HTTP API, payload 2.0; or an Application Load Balancer) as
 * the fetch Request the app reads, after the model of Hono's adapter (hono/aws-lambda). Anything else, or an
 * event fetch cannot carry, is a MalformedEventError: the adapter answers it with a 400.
 *
 * The body is not attached to the Request: the event already holds it in memory, so the app gets its bytes
 * beside the Request (bodyOf) and never drains a web stream. The origin is fixed because the app routes on the
 * path alone; a placeholder or forged Host then cannot break URL parsing, and a GET that carries a body (an ALB
 * forwards one) stays a valid Request.
 */

export type HttpEvent = APIGatewayProxyEventV2 | ALBEvent;

export class MalformedEventError extends Error {
  override name = 'MalformedEventError';
}

const ORIGIN = 'https://lambda.invalid';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The one place the event's shape is decided, for the check (httpEventOf) and the mapping (requestOf, resultOf)
 * alike. Either field only payload 2.0 has (rawPath, requestContext.http) claims the event as payload 2.0, which
 * the check then requires whole. An ALB never sends either, so an event that carries one and also ALB fields is a
 * broken payload 2.0 event: answering it as an ALB event would serve a request its sender never made from fields
 * it did not mean (and skip its cookies), while a 400 naming the broken field tells the client what to fix.
 */
function claimsPayloadV2(event: Record<string, unknown>): boolean {
  return 'rawPath' in event || (isRecord(event.requestContext) && 'http' in event.requestContext);
}

export function isPayloadV2(event: HttpEvent): event is APIGatewayProxyEventV2 {
  return claimsPayloadV2(event as unknown as Record<string, unknown>);
}

type Check = (value: unknown) => boolean;

const isString: Check = (value) => typeof value === 'string';
const isStringList: Check = (value) => Array.isArray(value) && value.every(isString);
const isRecordOf =
  (isValue: Check): Check =>
  (value) =>
    isRecord(value) && Object.values(value).every(isValue);

/** Each field the adapter reads, with the shape it must have where present (AWS sends null for an absent one). */
const COMMON_FIELDS: [string, Check, string][] = [
  ['body', isString, 'a string'],
  ['isBase64Encoded', (value) => typeof value === 'boolean', 'a boolean'],
  ['headers', isRecordOf(isString), 'an object of strings'],
];
const PAYLOAD_V2_FIELDS: [string, Check, string][] = [
  ['rawQueryString', isString, 'a string'],
  ['cookies', isStringList, 'a list of strings'],
];
const ALB_FIELDS: [string, Check, string][] = [
  ['multiValueHeaders', isRecordOf(isStringList), 'an object of string lists'],
  ['queryStringParameters', isRecordOf(isString), 'an object of strings'],
  ['multiValueQueryStringParameters', isRecordOf(isStringList), 'an object of string lists'],
];

function checkFields(event: Record<string, unknown>, fields: [string, Check, string][]): void {
  for (const [name, isValid, shape] of fields) {
    const value = event[name];
    if (value != null && !isValid(value)) throw new MalformedEventError(`${name} is not ${shape}`);
  }
}

/**
 * The event's own shape, checked before anything reads it: every field the adapter maps is checked here, so a
 * non-HTTP or corrupted invocation is a 400 and a TypeError later on is ours (a 500).
 */
function httpEventOf(event: unknown): HttpEvent {
  if (!isRecord(event)) throw new MalformedEventError('the event is not a JSON object');
  if (claimsPayloadV2(event)) {
    if (typeof event.rawPath !== 'string') throw new MalformedEventError('rawPath is not a string');
    const http = isRecord(event.requestContext) ? event.requestContext.http : undefined;
    if (!isRecord(http)) throw new MalformedEventError('requestContext.http is not an object');
    if (typeof http.method !== 'string') {
      throw new MalformedEventError('requestContext.http.method is not a string');
    }
    checkFields(event, [...COMMON_FIELDS, ...PAYLOAD_V2_FIELDS]);
    return event as unknown as HttpEvent;
  }
  if (typeof event.httpMethod === 'string' && typeof event.path === 'string') {
    checkFields(event, [...COMMON_FIELDS, ...ALB_FIELDS]);
    return event as unknown as HttpEvent;
  }
  throw new MalformedEventError(
    'it is neither a payload 2.0 event (rawPath, requestContext.http) nor an ALB event (httpMethod, path)',
  );
}

/** Hono's rule: fetch takes only Latin-1 header values, so a value with anything else goes percent-encoded. */
const sanitized = (value: string) => (/[^\p{ASCII}]/u.test(value) ? encodeURIComponent(value) : value);

function headersOf(event: HttpEvent): [string, string][] {
  const pairs: [string, string][] = [];
  if (!isPayloadV2(event) && event.multiValueHeaders) {
    for (const [name, values] of Object.entries(event.multiValueHeaders)) {
      for (const value of values ?? []) pairs.push([name, sanitized(value)]);
    }
    return pairs;
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) pairs.push([name, sanitized(value)]);
  }
  // Payload 2.0 moves the Cookie header into its own list.
  if (isPayloadV2(event) && event.cookies?.length)
    pairs.push(['cookie', sanitized(event.cookies.join('; '))]);
  return pairs;
}

function albQueryString(event: ALBEvent): string {
  // The ALB passes query keys and values still URL-encoded, as the client sent them.
  if (event.multiValueQueryStringParameters) {
    return Object.entries(event.multiValueQueryStringParameters)
      .flatMap(([key, values]) => (values ?? []).map((value) => `${key}=${value}`))
      .join('&');
  }
  return Object.entries(event.queryStringParameters ?? {})
    .map(([key, value]) => `${key}=${value ?? ''}`)
    .join('&');
}

/** The Request for an HTTP event; a MalformedEventError (keeping fetch's TypeError as its cause) for anything else. */
export function requestOf(input: unknown): { event: HttpEvent; request: Request } {
  const event = httpEventOf(input);
  const [method, path, query] = isPayloadV2(event)
    ? [event.requestContext.http.method, event.rawPath, event.rawQueryString]
    : [event.httpMethod, event.path, albQueryString(event)];
  const url = `${ORIGIN}${path.startsWith('/') ? '' : '/'}${path}${query ? `?${query}` : ''}`;
  const headers = headersOf(event);
  // Only fetch's own refusal (a method or header value HTTP does not allow) is the event's fault.
  try {
    return { event, request: new Request(url, { method, headers }) };
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new MalformedEventError('its method, path or a header is not valid HTTP', { cause: error });
  }
}

/** The decoded event body, or undefined when the event has none. */
export function bodyOf(event: HttpEvent): Uint8Array | undefined {
  if (!event.body) return undefined;
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}
