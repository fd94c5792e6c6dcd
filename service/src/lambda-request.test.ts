import { describe, expect, it } from 'vitest';
import { LambdaHeaders, LambdaRequest } from './lambda-request.ts';

const URL_OF_TEST = 'https://lambda.invalid/predict?a=1';

const lambdaRequest = (
  method = 'POST',
  headers: [string, string][] = [['content-type', 'application/json']],
) => new LambdaRequest(URL_OF_TEST, method, headers) as unknown as Request;

describe('LambdaRequest', () => {
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

describe('LambdaHeaders', () => {
  const fieldSets: { name: string; fields: [string, string][] }[] = [
    { name: 'none', fields: [] },
    {
      name: 'mixed-case names',
      fields: [
        ['Content-Type', 'application/json'],
        ['X-B', '1'],
      ],
    },
    {
      name: 'a repeated name',
      fields: [
        ['accept', 'a/b'],
        ['Accept', 'c/d'],
      ],
    },
    {
      name: 'values with surrounding whitespace',
      fields: [
        ['x-a', ' \t padded \t '],
        ['x-b', ''],
      ],
    },
    {
      name: 'names out of order',
      fields: [
        ['zeta', '1'],
        ['alpha', '2'],
        ['mid', '3'],
      ],
    },
  ];

  it.each(fieldSets)('reads $name exactly as fetch Headers does', ({ fields }) => {
    const [ours, fetchs] = [new LambdaHeaders(fields), new Headers(fields)];
    expect([...ours]).toEqual([...fetchs]);
    expect([...ours.keys()]).toEqual([...fetchs.keys()]);
    expect([...ours.values()]).toEqual([...fetchs.values()]);
    for (const name of ['content-type', 'ACCEPT', 'x-a', 'alpha', 'missing']) {
      expect([ours.get(name), ours.has(name)]).toEqual([fetchs.get(name), fetchs.has(name)]);
    }
    const seen: string[] = [];
    ours.forEach((value, name) => {
      seen.push(`${name}=${value}`);
    });
    expect(seen).toEqual([...fetchs].map(([name, value]) => `${name}=${value}`));
  });

  it('sets, appends and deletes as fetch Headers does', () => {
    const [ours, fetchs] = [new LambdaHeaders([['a', '1']]), new Headers([['a', '1']])];
    for (const headers of [ours, fetchs]) {
      headers.append('A', '2');
      headers.set('b', ' 3 ');
      headers.append('c', '4');
      headers.delete('C');
    }
    expect([...ours]).toEqual([...fetchs]);
  });

  it.each([
    ['x bad', 'v'],
    ['', 'v'],
    ['x-bad', 'a\nb'],
    ['x-bad', 'a\u0000b'],
  ])('refuses the field %j: %j with a TypeError, as fetch Headers does', (name, value) => {
    expect(() => new Headers([[name, value]])).toThrow(TypeError);
    expect(() => new LambdaHeaders([[name, value]])).toThrow(TypeError);
  });
});
