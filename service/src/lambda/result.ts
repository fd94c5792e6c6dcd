import type { ALBResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type HttpEvent, isPayloadV2 } from './event.ts';

/**
 * A fetch Response as the result the event's source expects, after the model of Hono's adapter: a body that is
 * not text (by its content type, or compressed) goes base64-encoded, and Set-Cookie headers travel where each
 * source wants them. The app itself only ever answers JSON without cookies; this keeps the adapter correct for
 * whatever a route answers next.
 */

/** What each source accepts; the status is always set, since the handler records it. */
export type HttpResult = (APIGatewayProxyStructuredResultV2 | ALBResult) & { statusCode: number };

const TEXTUAL =
  /^(text\/|application\/([\w.-]+\+)?(json|xml)\b|application\/javascript\b|image\/svg\+xml\b)/i;

function isBinary(headers: Headers): boolean {
  const contentType = headers.get('content-type');
  return (contentType !== null && !TEXTUAL.test(contentType)) || headers.has('content-encoding');
}

export async function resultOf(event: HttpEvent, response: Response): Promise<HttpResult> {
  const isBase64Encoded = isBinary(response.headers);
  const body = isBase64Encoded
    ? Buffer.from(await response.arrayBuffer()).toString('base64')
    : await response.text();
  const cookies = response.headers.getSetCookie();
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const statusCode = response.status;

  if (isPayloadV2(event)) {
    return { statusCode, headers, body, isBase64Encoded, ...(cookies.length > 0 ? { cookies } : {}) };
  }
  // An ALB with multi-value headers on answers in multi-value headers, and only then can send every cookie.
  if (event.multiValueHeaders) {
    const multiValueHeaders: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(headers)) multiValueHeaders[name] = [value];
    if (cookies.length > 0) multiValueHeaders['set-cookie'] = cookies;
    return { statusCode, multiValueHeaders, body, isBase64Encoded };
  }
  if (cookies.length > 1) {
    throw new Error(
      `The response sets ${cookies.length} cookies, but an ALB without multi-value headers carries one; ` +
        'turn on the target group attribute lambda.multi_value_headers.enabled.',
    );
  }
  if (cookies[0] !== undefined) headers['set-cookie'] = cookies[0];
  return { statusCode, headers, body, isBase64Encoded };
}
