import { describe, expect, it } from 'vitest';
import { type Figures, judge, renderTable } from './targets.ts';

describe('judge', () => {
  const passing: Figures = {
    inProcessP50Ms: 0.25,
    inProcessP99Ms: 0.9,
    throughputRatio: 0.7,
    coldStartMs: 399,
    lambdaInitMs: 150,
    rssAfter10kMb: 120,
  };

  it('passes figures on or within every limit', () => {
    expect(judge(passing).every((verdict) => verdict.pass)).toBe(true);
  });

  it.each([
    { key: 'inProcessP50Ms', value: 0.26 },
    { key: 'throughputRatio', value: 0.69 },
    { key: 'rssAfter10kMb', value: 151 },
  ] as const)('fails $key at $value', ({ key, value }) => {
    const failed = judge({ ...passing, [key]: value }).filter((verdict) => !verdict.pass);
    expect(failed).toHaveLength(1);
  });

  it('renders one Markdown row per target with its verdict', () => {
    const table = renderTable(judge({ ...passing, coldStartMs: 512 }));
    expect(table.split('\n')).toHaveLength(2 + 6);
    expect(table).toContain('| 512 ms | ≤ 400 ms | FAIL |');
    expect(table).toContain('| 0.700 × | ≥ 0.7 × | pass |');
  });
});
