import type {
  ALBEvent,
  ALBResult,
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { LambdaRequest } from './lambda-request.ts';
import { problem, problemResponse } from './problem.ts';
import { TextResponse } from './text-response.ts';

/**
 * The Lambda edge: an HTTP event (Function URL or API Gateway HTTP API, payload 2.0; or an ALB) becomes a
 * fetch Request for the app, and its Response becomes the result the event's source expects.
 *
 * The body is not attached to the Request: the event already holds it in memory, and a Request body is a web
 * stream that costs more to build and drain than the rest of a prediction. The app receives the bytes in its
 * bindings instead. The origin is fixed because the app routes on the path alone; a placeholder or forged Host
 * then cannot break URL parsing, and a GET that carries a body (an ALB forwards one) stays a valid Request.
 */

export type HttpEvent = APIGatewayProxyEventV2 | ALBEvent;
export type HttpResult = APIGatewayProxyStructuredResultV2 | ALBResult;

export interface LambdaBindings {
  lambdaContext: Context;
  /** The decoded event body, or undefined when the event has none. */
  body: Uint8Array | undefined;
}

interface Fetchable {
  fetch(request: Request, bindings: LambdaBindings): Response | Promise<Response>;
}

const ORIGIN = 'https://lambda.invalid';

const isPayloadV2 = (event: HttpEvent): event is APIGatewayProxyEventV2 =>
  'rawPath' in event && 'http' in (event.requestContext ?? {});

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

/** Header pairs as fetch takes them, so the Request fills its own header list once. */
function headersOf(event: HttpEvent): [string, string][] {
  if (!isPayloadV2(event) && event.multiValueHeaders) {
    return Object.entries(event.multiValueHeaders).flatMap(([name, values]) =>
      (values ?? []).map((value): [string, string] => [name, value]),
    );
  }
  const pairs = Object.entries(event.headers ?? {}).filter(
    (pair): pair is [string, string] => pair[1] !== undefined,
  );
  if (isPayloadV2(event) && event.cookies?.length) pairs.push(['cookie', event.cookies.join('; ')]);
  return pairs;
}

export function bodyOf(event: HttpEvent): Uint8Array | undefined {
  if (!event.body) return undefined;
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** Throws a TypeError when the event holds what fetch cannot carry (a method or header value it refuses). */
export function requestOf(event: HttpEvent): Request {
  const [method, path, query] = isPayloadV2(event)
    ? [event.requestContext.http.method, event.rawPath, event.rawQueryString]
    : [event.httpMethod, event.path, albQueryString(event)];
  // URL parsing normalises the path (dot segments, percent-encoding) as a fetch Request would.
  const url = new URL(`${ORIGIN}${path.startsWith('/') ? '' : '/'}${path}${query ? `?${query}` : ''}`);
  return new LambdaRequest(url.href, method, headersOf(event)) as unknown as Request;
}

/** Every response of this app is text (JSON or problem JSON), so no body needs base64. */
export async function resultOf(event: HttpEvent, response: Response): Promise<HttpResult> {
  const body = await response.text();
  const headers = TextResponse.headersOf(response);
  if (!isPayloadV2(event) && event.multiValueHeaders) {
    const multiValueHeaders: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(headers)) multiValueHeaders[name] = [value];
    return { statusCode: response.status, body, isBase64Encoded: false, multiValueHeaders };
  }
  return { statusCode: response.status, body, isBase64Encoded: false, headers };
}

export function lambdaHandler(app: Fetchable) {
  return async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    let request: Request;
    try {
      request = requestOf(event);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return resultOf(event, problemResponse(problem(400, `The request could not be read: ${reason}.`)));
    }
    return resultOf(event, await app.fetch(request, { lambdaContext: context, body: bodyOf(event) }));
  };
}
