import { describe, expect, it } from 'vitest';
import { headerRecord } from './header-fields.ts';

describe('headerRecord', () => {
  it.each([
    { fields: [], record: {} },
    { fields: [['Content-Type', 'application/json']], record: { 'content-type': 'application/json' } },
    {
      fields: [
        ['allow', 'GET'],
        ['Allow', 'HEAD'],
      ],
      record: { allow: 'GET, HEAD' },
    },
    { fields: [['x-a', '  spaced\t']], record: { 'x-a': 'spaced' } },
    { fields: [['__proto__', 'v']], record: { ['__proto__']: 'v' } },
  ] as { fields: [string, string][]; record: Record<string, string> }[])(
    'reads $fields as Headers.get would',
    ({ fields, record }) => {
      const ours = headerRecord(fields);
      expect(Object.entries(ours)).toEqual(Object.entries(record));
      const fetchs = new Headers(fields);
      for (const [name, value] of Object.entries(ours)) expect(fetchs.get(name)).toBe(value);
    },
  );

  it.each([
    ['bad name', 'v'],
    ['x-bad', 'line\r\nbreak'],
  ])('refuses %j: %j with a TypeError, as Headers does', (name, value) => {
    expect(() => new Headers([[name, value]])).toThrow(TypeError);
    expect(() => headerRecord([[name, value]])).toThrow(TypeError);
  });
});
