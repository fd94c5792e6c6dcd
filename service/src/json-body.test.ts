import { describe, expect, it } from 'vitest';
import { jsonMediaTypeProblem, parseJsonBytes, readJsonBody } from './json-body.ts';

const encode = (text: string) => new TextEncoder().encode(text);

describe('jsonMediaTypeProblem', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON;charset=UTF-8',
    'application/json; charset="utf-8"',
  ])('accepts %s', (contentType) => {
    expect(jsonMediaTypeProblem(contentType)).toBeUndefined();
  });

  it.each([
    { contentType: undefined, detail: /no Content-Type/ },
    { contentType: '  ', detail: /no Content-Type/ },
    { contentType: 'text/plain', detail: /"text\/plain" is not supported/ },
    { contentType: 'application/jsonx', detail: /not supported/ },
    { contentType: 'application/x-www-form-urlencoded', detail: /not supported/ },
    { contentType: 'application/json; charset=utf-16', detail: /charset "utf-16" is not supported/ },
  ])('refuses $contentType with 415', ({ contentType, detail }) => {
    const problem = jsonMediaTypeProblem(contentType);
    expect(problem?.status).toBe(415);
    expect(problem?.detail).toMatch(detail);
  });
});

describe('parseJsonBytes', () => {
  it('parses UTF-8 JSON', () => {
    expect(parseJsonBytes(encode('{"a":[1,"é"]}'))).toEqual({ ok: true, value: { a: [1, 'é'] } });
  });

  it.each([
    { name: 'broken syntax', bytes: encode('{"a":') },
    { name: 'an empty body', bytes: new Uint8Array() },
    { name: 'a byte-order mark', bytes: encode('\uFEFF{}') },
    { name: 'invalid UTF-8', bytes: Uint8Array.of(0x22, 0xff, 0x22) },
    { name: 'UTF-16', bytes: Uint8Array.of(0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00) },
  ])('answers 400 naming the whole body for $name', ({ bytes }) => {
    const result = parseJsonBytes(bytes);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.status).toBe(400);
    expect(result.problem.errors[0]?.path).toBe('');
  });
});

describe('readJsonBody', () => {
  const limit = 16;
  const post = (body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
    new Request('http://local/predict', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
      duplex: 'half',
    } as RequestInit);

  it('reads a body up to the limit', async () => {
    expect(await readJsonBody(post('"0123456789abcd"'), limit)).toEqual({
      ok: true,
      value: '0123456789abcd',
    });
  });

  it('refuses a body one byte over the limit with 413', async () => {
    const result = await readJsonBody(post('"0123456789abcde"'), limit);
    expect(result.ok ? 200 : result.problem.status).toBe(413);
  });

  it('refuses by a declared Content-Length alone, before reading', async () => {
    const result = await readJsonBody(post('{}', { 'content-length': '17' }), limit);
    expect(result.ok ? 200 : result.problem.status).toBe(413);
  });

  it('counts the bytes of a stream whose header understates them', async () => {
    const chunks = [encode('"0123456789'), encode('abcdefgh"')];
    const stream = new ReadableStream({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const result = await readJsonBody(post(stream, { 'content-length': '2' }), limit);
    expect(result.ok ? 200 : result.problem.status).toBe(413);
  });

  it('cuts off an endless stream with no Content-Length at the limit', async () => {
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encode('[0,0,0,0,'));
      },
    });
    const result = await readJsonBody(post(endless), limit);
    expect(result.ok ? 200 : result.problem.status).toBe(413);
  });

  it.each([
    { name: 'a buffered body within the limit', bytes: '"0123456789abcd"', status: 200 },
    { name: 'a buffered body over the limit', bytes: '"0123456789abcde"', status: 413 },
  ])('measures $name without reading the Request', async ({ bytes, status }) => {
    const result = await readJsonBody(post('ignored', { 'content-length': '0' }), limit, encode(bytes));
    expect(result.ok ? 200 : result.problem.status).toBe(status);
  });

  it.each([
    { name: 'streamed', headers: {} as Record<string, string> },
    { name: 'framed by a Content-Length', headers: { 'content-length': '10' } },
  ])('answers 400 when a $name body breaks off mid-way', async ({ headers }) => {
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encode('{"ar'));
        controller.error(new Error('Client connection prematurely closed.'));
      },
    });
    const result = await readJsonBody(post(broken, headers), limit);
    expect(result.ok ? 200 : result.problem).toMatchObject({
      status: 400,
      errors: [{ path: '', message: 'Client connection prematurely closed.' }],
    });
  });

  it('checks the media type before reading', async () => {
    const result = await readJsonBody(post('{}', { 'content-type': 'text/plain' }), limit);
    expect(result.ok ? 200 : result.problem.status).toBe(415);
  });
});
