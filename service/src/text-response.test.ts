import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { installTextResponse, TextResponse } from './text-response.ts';

const NativeResponse = globalThis.Response;

afterEach(() => {
  globalThis.Response = NativeResponse;
});

describe('TextResponse', () => {
  it('keeps a text body, its status and headers as given', async () => {
    const response = new TextResponse('{"a":1}', {
      status: 201,
      headers: { 'content-type': 'application/json' },
    });

    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('{"a":1}');
    expect(response.bodyUsed).toBe(true);
  });

  it.each([
    { name: 'a text body', body: 'hi', contentType: 'text/plain;charset=UTF-8', text: 'hi' },
    { name: 'no body', body: null, contentType: null, text: '' },
  ])('defaults the content type as fetch does, for $name', async ({ body, contentType, text }) => {
    const [ours, native] = [new TextResponse(body), new NativeResponse(body)];
    expect(ours.headers.get('content-type')).toBe(contentType);
    expect(native.headers.get('content-type')).toBe(contentType);
    expect(await ours.text()).toBe(text);
  });

  it('refuses a second read, as fetch does', async () => {
    const response = new TextResponse('once');
    await response.text();
    await expect(response.text()).rejects.toThrow('Body is unusable');
  });

  it('copies status and headers from a Response given as init', async () => {
    const original = new NativeResponse('x', { status: 404, headers: { 'x-a': '1' } });
    const copy = new TextResponse(null, original);
    expect(copy.status).toBe(404);
    expect(copy.headers.get('x-a')).toBe('1');
  });

  it('hands everything else to a real Response with the same content', async () => {
    const response = new TextResponse('{"b":2}', {
      status: 202,
      headers: { 'content-type': 'application/json' },
    });
    expect(await response.clone().json()).toEqual({ b: 2 });
    expect(await new NativeResponse(response.body).text()).toBe('{"b":2}');
  });

  it('gives a body that is not text to a real Response', async () => {
    const response = new TextResponse(new Uint8Array([104, 105]));
    expect(Object.getPrototypeOf(response)).toBe(NativeResponse.prototype);
    expect(await response.text()).toBe('hi');
  });

  it('passes instanceof Response for both kinds once installed', () => {
    installTextResponse();
    expect(new Response('x')).toBeInstanceOf(TextResponse);
    expect(new Response('x') instanceof Response).toBe(true);
    expect(new NativeResponse('x') instanceof Response).toBe(true);
  });

  it('carries a Hono app, HEAD and errors included, once installed', async () => {
    installTextResponse();
    const app = new Hono();
    app.get('/json', (c) => c.json({ ok: true }, 201));
    app.get('/fail', () => {
      throw new Error('boom');
    });
    app.onError((_error, c) => c.text('failed', 500));

    const json = await app.request('/json');
    const head = await app.request('/json', { method: 'HEAD' });
    const failed = await app.request('/fail');

    expect([json.status, await json.text()]).toEqual([201, '{"ok":true}']);
    expect([head.status, await head.text()]).toEqual([201, '']);
    expect([failed.status, await failed.text()]).toEqual([500, 'failed']);
  });
});
