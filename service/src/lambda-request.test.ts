import { describe, expect, it } from 'vitest';
import { LambdaRequest } from './lambda-request.ts';

const URL_OF_TEST = 'https://lambda.invalid/predict?a=1';

const lambdaRequest = (
  method = 'POST',
  headers: [string, string][] = [['content-type', 'application/json']],
) => new LambdaRequest(URL_OF_TEST, method, headers) as unknown as Request;

describe('LambdaRequest', () => {
  it('passes instanceof Request, so code that checks for one accepts it', () => {
    expect(lambdaRequest()).toBeInstanceOf(Request);
  });

  it('holds the method, url and headers it was built with', () => {
    const request = lambdaRequest('POST', [
      ['Content-Type', 'application/json'],
      ['accept', 'a/b'],
      ['accept', 'c/d'],
    ]);
    expect(request.method).toBe('POST');
    expect(request.url).toBe(URL_OF_TEST);
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.headers.get('accept')).toBe('a/b, c/d');
  });

  it.each([
    { method: 'post', normalized: 'POST' },
    { method: 'Get', normalized: 'GET' },
    { method: 'PATCH', normalized: 'PATCH' },
    { method: 'purge', normalized: 'purge' },
    { method: 'PURGE', normalized: 'PURGE' },
  ])('spells method $method as fetch does: $normalized', ({ method, normalized }) => {
    expect(lambdaRequest(method).method).toBe(new Request(URL_OF_TEST, { method }).method);
    expect(lambdaRequest(method).method).toBe(normalized);
  });

  it.each([
    { what: 'a forbidden method', method: 'CONNECT', headers: [] },
    { what: 'a method that is no token', method: 'PO ST', headers: [] },
    { what: 'a header value with a line break', method: 'GET', headers: [['x-bad', 'a\nb']] },
    { what: 'a header name that is no token', method: 'GET', headers: [['x bad', 'v']] },
  ] as { what: string; method: string; headers: [string, string][] }[])(
    'refuses $what with the TypeError fetch throws',
    ({ method, headers }) => {
      expect(() => lambdaRequest(method, headers)).toThrow(TypeError);
    },
  );

  it('answers everything else from a real Request with the same method, url and headers', async () => {
    const request = lambdaRequest('GET', [['x-trace', 'abc']]);
    expect(request.signal).toBeInstanceOf(AbortSignal);
    expect(request.signal.aborted).toBe(false);
    expect(request.redirect).toBe('follow');
    const clone = request.clone();
    expect(clone).toBeInstanceOf(Request);
    expect([clone.method, clone.url, clone.headers.get('x-trace')]).toEqual(['GET', URL_OF_TEST, 'abc']);
    expect(request.body).toBeNull();
    expect(await request.text()).toBe('');
    expect(request.bodyUsed).toBe(false);
  });

  it('makes the real Request once, so what it holds stays consistent', () => {
    const request = lambdaRequest();
    expect(request.signal).toBe(request.signal);
  });
});
