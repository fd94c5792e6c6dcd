import { describe, expect, it } from 'vitest';
import { csvRecords } from './csv-records.ts';

const parse = (lines: string[]) => [...csvRecords(lines, 'run.csv')];

describe('csvRecords', () => {
  it('splits plain fields, keeping empty ones', () => {
    expect(parse(['a,b,,d', ',x,'])).toEqual([
      ['a', 'b', '', 'd'],
      ['', 'x', ''],
    ]);
  });

  it('keeps a comma inside a quoted field in its column, and reads a doubled quote as one quote', () => {
    expect(parse(['1,"dial tcp: refused, retrying","say ""hi""",4'])).toEqual([
      ['1', 'dial tcp: refused, retrying', 'say "hi"', '4'],
    ]);
  });

  it('joins the lines a quoted line break split, and skips blank lines between records', () => {
    expect(parse(['a,"two', 'lines",c', '', 'd,e,f'])).toEqual([
      ['a', 'two\nlines', 'c'],
      ['d', 'e', 'f'],
    ]);
  });

  it('refuses a quoted field that never closes', () => {
    expect(() => parse(['a,"open', 'still open'])).toThrow(
      'run.csv: a quoted field opened by line 2 or before never closes',
    );
  });
});
