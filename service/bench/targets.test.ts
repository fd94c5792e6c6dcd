import { describe, expect, it } from 'vitest';
import { median, percentile } from './stats.ts';
import { type Figures, judge, renderTable } from './targets.ts';

describe('percentile', () => {
  const samples = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
  it.each([
    { p: 0, value: 1 },
    { p: 10, value: 1 },
    { p: 50, value: 5 },
    { p: 99, value: 10 },
    { p: 100, value: 10 },
  ])('p$p of 1..10 is $value', ({ p, value }) => {
    expect(percentile(samples, p)).toBe(value);
  });

  it('leaves the samples unsorted', () => {
    const input = [3, 1, 2];
    expect(median(input)).toBe(2);
    expect(input).toEqual([3, 1, 2]);
  });

  it('refuses no samples', () => {
    expect(() => percentile([], 50)).toThrow('percentile of no samples');
  });
});

describe('judge', () => {
  const passing: Figures = {
    inProcessP50Ms: 0.2,
    inProcessP99Ms: 0.9,
    throughputRatio: 0.8,
    coldStartMs: 399,
    lambdaInitMs: 150,
    rssAfter10kMb: 120,
  };

  it('passes figures on or within every limit', () => {
    expect(judge(passing).every((verdict) => verdict.pass)).toBe(true);
  });

  it.each([
    { key: 'inProcessP50Ms', value: 0.21 },
    { key: 'throughputRatio', value: 0.79 },
    { key: 'rssAfter10kMb', value: 151 },
  ] as const)('fails $key at $value', ({ key, value }) => {
    const failed = judge({ ...passing, [key]: value }).filter((verdict) => !verdict.pass);
    expect(failed).toHaveLength(1);
  });

  it('renders one Markdown row per target with its verdict', () => {
    const table = renderTable(judge({ ...passing, coldStartMs: 512 }));
    expect(table.split('\n')).toHaveLength(2 + 6);
    expect(table).toContain('| 512 ms | ≤ 400 ms | FAIL |');
    expect(table).toContain('| 0.800 × | ≥ 0.8 × | pass |');
  });
});
