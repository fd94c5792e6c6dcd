import { describe, expect, it } from 'vitest';
import { describeError } from './errors.ts';

describe('describeError', () => {
  it.each([
    ['an Error', new Error('bad flag'), 'bad flag'],
    ['a thrown string', 'plain text', 'plain text'],
    [
      'an Error with a cause',
      new Error('cannot read a.json', { cause: new Error('ENOENT') }),
      'cannot read a.json (cause: ENOENT)',
    ],
    [
      'a cause already quoted',
      new Error('cannot read: ENOENT', { cause: new Error('ENOENT') }),
      'cannot read: ENOENT',
    ],
    ['a non-Error cause', new Error('outer', { cause: 42 }), 'outer (cause: 42)'],
  ])('describes %s', (_, error, expected) => {
    expect(describeError(error)).toBe(expected);
  });

  it('stops on a cause cycle', () => {
    const error = new Error('loop');
    (error as { cause?: unknown }).cause = error;
    expect(describeError(error)).toBe('loop');
  });
});
