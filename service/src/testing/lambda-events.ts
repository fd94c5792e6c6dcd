import { readFileSync } from 'node:fs';

/**
 * Real AWS event envelopes (test/fixtures/lambda-events, Powertools' MIT-0 test data), changed only where a
 * request to this service differs: path, method, content-type header, body and isBase64Encoded.
 */

const FIXTURES = new URL('../../../test/fixtures/lambda-events/', import.meta.url);

export const EVENT_SHAPES = ['function-url-post', 'http-api-v2-post', 'alb-get'] as const;
export type EventShape = (typeof EVENT_SHAPES)[number];

export function fixtureEvent(shape: EventShape): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${shape}.json`, FIXTURES), 'utf8')) as Record<string, unknown>;
}

export interface HttpRequestSpec {
  method: string;
  path: string;
  contentType?: string;
  body?: string;
  base64?: boolean;
}

export function lambdaEvent(shape: EventShape, request: HttpRequestSpec): Record<string, unknown> {
  const event = fixtureEvent(shape);
  const headers = { ...(event.headers as Record<string, string>) };
  if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  const body =
    request.body === undefined
      ? null
      : request.base64
        ? Buffer.from(request.body).toString('base64')
        : request.body;
  const common = { headers, body, isBase64Encoded: request.base64 ?? false };
  if (shape === 'alb-get') return { ...event, ...common, httpMethod: request.method, path: request.path };
  const requestContext = event.requestContext as { http: Record<string, unknown> };
  return {
    ...event,
    ...common,
    rawPath: request.path,
    requestContext: {
      ...requestContext,
      http: { ...requestContext.http, method: request.method, path: request.path },
    },
  };
}
