/**
 * The performance targets (issue 2, revised by issue 9), and the pure judgement of measured figures against
 * them. The runner measures; this decides and renders. Lambda bills whole milliseconds, so the in-process
 * targets sit well below one.
 */

export const TARGETS = [
  {
    key: 'inProcessP50Ms',
    label: 'In-process p50, one prediction via the Lambda handler',
    limit: 0.25,
    unit: 'ms',
    better: 'lower',
  },
  {
    key: 'inProcessP99Ms',
    label: 'In-process p99, one prediction via the Lambda handler',
    limit: 1,
    unit: 'ms',
    better: 'lower',
  },
  {
    key: 'throughputRatio',
    label: 'HTTP throughput, the server as shipped ÷ the floor (node:http + one model run)',
    limit: 0.7,
    unit: '×',
    better: 'higher',
  },
  {
    key: 'coldStartMs',
    label: 'Cold start, `node dist/service/server.mjs` to first 200 /predict',
    limit: 400,
    unit: 'ms',
    better: 'lower',
  },
  {
    key: 'lambdaInitMs',
    label: 'Lambda-style init, import of the built handler + session',
    limit: 200,
    unit: 'ms',
    better: 'lower',
  },
  { key: 'rssAfter10kMb', label: 'Server RSS after 10k requests', limit: 150, unit: 'MB', better: 'lower' },
] as const;

export type Figures = Record<(typeof TARGETS)[number]['key'], number>;

export interface Verdict {
  label: string;
  measured: number;
  limit: number;
  unit: string;
  better: 'lower' | 'higher';
  pass: boolean;
}

export function judge(figures: Figures): Verdict[] {
  return TARGETS.map(({ key, label, limit, unit, better }) => {
    const measured = figures[key];
    const pass = better === 'lower' ? measured <= limit : measured >= limit;
    return { label, measured, limit, unit, better, pass };
  });
}

function formatNumber(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toFixed(3);
}

/** A Markdown table, ready for docs/performance.md. */
export function renderTable(verdicts: readonly Verdict[]): string {
  const rows = verdicts.map(({ label, measured, limit, unit, better, pass }) => {
    const target = `${better === 'lower' ? '≤' : '≥'} ${limit} ${unit}`;
    return `| ${label} | ${formatNumber(measured)} ${unit} | ${target} | ${pass ? 'pass' : 'FAIL'} |`;
  });
  return ['| Measure | Measured | Target | |', '|---|---:|---:|---|', ...rows].join('\n');
}
