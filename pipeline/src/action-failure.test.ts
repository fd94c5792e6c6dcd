import { expect, it } from 'vitest';
import { failureMessage } from './action-failure.ts';

const circular: Record<string, unknown> = {};
circular.self = circular;

it.each([
  {
    name: 'an Error with its cause',
    thrown: new Error('API down', { cause: new Error('503') }),
    message: 'x failed: API down (cause: 503)',
  },
  { name: 'a string', thrown: 'rate limited', message: 'x failed: rate limited' },
  { name: 'a plain object', thrown: { status: 500 }, message: 'x failed: it threw object {"status":500}' },
  { name: 'a number', thrown: 42, message: 'x failed: it threw number 42' },
  { name: 'null', thrown: null, message: 'x failed: it threw null null' },
  { name: 'undefined', thrown: undefined, message: 'x failed: it threw undefined undefined' },
  { name: 'an Error without a message', thrown: new Error(''), message: 'x failed: it threw object {}' },
  { name: 'a circular object', thrown: circular, message: 'x failed: it threw object [object Object]' },
])('describes $name', ({ thrown, message }) => {
  expect(failureMessage('x', thrown)).toBe(message);
});
