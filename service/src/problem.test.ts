import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldErrorsOf, jsonPointer, problem } from './problem.ts';

describe('jsonPointer', () => {
  it.each([
    { path: [], pointer: '' },
    { path: ['area'], pointer: '/area' },
    { path: ['instances', 3, 'knownUsage', 'kwh'], pointer: '/instances/3/knownUsage/kwh' },
    { path: ['a/b', 'c~d'], pointer: '/a~1b/c~0d' },
  ])('writes $path as "$pointer"', ({ path, pointer }) => {
    expect(jsonPointer(path)).toBe(pointer);
  });
});

describe('fieldErrorsOf', () => {
  const schema = z.strictObject({ size: z.int(), nested: z.strictObject({ month: z.int().max(12) }) });

  it('lists every offending field, each unknown key at its own path', () => {
    const result = schema.safeParse({
      size: 'three',
      nested: { month: 13, colour: 'red' },
      extra: 1,
      more: 2,
    });

    const errors = fieldErrorsOf(result.error?.issues ?? []);

    expect(errors.map((error) => error.path).sort()).toEqual([
      '/extra',
      '/more',
      '/nested/colour',
      '/nested/month',
      '/size',
    ]);
    expect(errors.find((error) => error.path === '/extra')?.message).toMatch(/Unknown field: remove it/);
  });
});

describe('problem', () => {
  it.each([
    { status: 400, title: 'Bad Request' },
    { status: 404, title: 'Not Found' },
    { status: 405, title: 'Method Not Allowed' },
    { status: 413, title: 'Content Too Large' },
    { status: 415, title: 'Unsupported Media Type' },
    { status: 500, title: 'Internal Server Error' },
  ] as const)('titles $status "$title" with type about:blank', ({ status, title }) => {
    expect(problem(status, 'why')).toEqual({ type: 'about:blank', title, status, detail: 'why', errors: [] });
  });
});
