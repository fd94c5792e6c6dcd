import type { ALBEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { fixtureEvent } from '../testing/lambda-events.ts';
import { resultOf } from './result.ts';

const functionUrl = fixtureEvent('function-url-post') as unknown as APIGatewayProxyEventV2;
const alb = fixtureEvent('alb-get') as unknown as ALBEvent;
const albMultiValue = { ...alb, multiValueHeaders: { host: ['x'] } };

const json = () =>
  new Response('{"ok":true}', { status: 201, headers: { 'content-type': 'application/json' } });

function withCookies(...cookies: string[]): Response {
  const headers = new Headers({ 'content-type': 'text/plain' });
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  return new Response('hi', { headers });
}

describe('resultOf', () => {
  it('answers single-value headers to payload 2.0 and a plain ALB', async () => {
    for (const event of [functionUrl, alb]) {
      expect(await resultOf(event, json())).toEqual({
        statusCode: 201,
        body: '{"ok":true}',
        isBase64Encoded: false,
        headers: { 'content-type': 'application/json' },
      });
    }
  });

  it('answers multi-value headers to an ALB that sent them', async () => {
    const result = await resultOf(albMultiValue, json());
    expect(result).toMatchObject({ multiValueHeaders: { 'content-type': ['application/json'] } });
    expect(result).not.toHaveProperty('headers');
  });

  it.each([
    { contentType: 'application/octet-stream', binary: true },
    { contentType: 'image/png', binary: true },
    { contentType: 'application/problem+json', binary: false },
    { contentType: 'text/csv; charset=utf-8', binary: false },
    { contentType: 'image/svg+xml', binary: false },
  ])('base64-encodes a $contentType body: $binary', async ({ contentType, binary }) => {
    const bytes = new Uint8Array([0, 159, 146, 150, 255]);
    const result = await resultOf(
      functionUrl,
      new Response(bytes, { headers: { 'content-type': contentType } }),
    );
    expect(result.isBase64Encoded).toBe(binary);
    if (binary) expect(Buffer.from(result.body ?? '', 'base64')).toEqual(Buffer.from(bytes));
  });

  it('base64-encodes a compressed body whatever its type', async () => {
    const result = await resultOf(
      functionUrl,
      new Response('x', { headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' } }),
    );
    expect(result).toMatchObject({ isBase64Encoded: true, body: Buffer.from('x').toString('base64') });
  });

  it('puts every Set-Cookie into cookies for payload 2.0', async () => {
    const result = await resultOf(functionUrl, withCookies('a=1', 'b=2'));
    expect(result).toMatchObject({ cookies: ['a=1', 'b=2'], headers: { 'content-type': 'text/plain' } });
    expect(JSON.stringify(result.headers)).not.toContain('set-cookie');
  });

  it('sends no cookies field when there are none', async () => {
    expect(await resultOf(functionUrl, json())).not.toHaveProperty('cookies');
  });

  it('puts every Set-Cookie into multi-value headers for an ALB that sent them', async () => {
    const result = await resultOf(albMultiValue, withCookies('a=1', 'b=2'));
    expect(result).toMatchObject({ multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] } });
  });

  it('sends one cookie as a header to a plain ALB, and refuses two it cannot carry', async () => {
    expect(await resultOf(alb, withCookies('a=1'))).toMatchObject({ headers: { 'set-cookie': 'a=1' } });
    await expect(resultOf(alb, withCookies('a=1', 'b=2'))).rejects.toThrow(
      'lambda.multi_value_headers.enabled',
    );
  });
});
