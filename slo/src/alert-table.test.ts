import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ALERT_TABLE_BEGIN,
  ALERT_TABLE_END,
  alertTableMarkdown,
  BURN_RATE_FIGURE_BEGIN,
  BURN_RATE_FIGURE_END,
  burnRateFigure,
} from './alert-table.ts';
import { SLO_DEFINITION } from './definition.ts';

const DOCS = readFileSync(new URL('../../docs/slo.md', import.meta.url), 'utf8');

function block(begin: string, end: string): string {
  const from = DOCS.indexOf(begin);
  expect(from, `docs/slo.md lacks the line ${begin}`).toBeGreaterThanOrEqual(0);
  return DOCS.slice(from + begin.length, DOCS.indexOf(end)).trim();
}

describe('docs/slo.md generated blocks (paste the expected block to fix)', () => {
  it('the alert table matches the one generated from the definition', () => {
    expect(block(ALERT_TABLE_BEGIN, ALERT_TABLE_END)).toBe(alertTableMarkdown(SLO_DEFINITION));
  });

  it('the burn-rate figure matches the one generated from the definition', () => {
    expect(block(BURN_RATE_FIGURE_BEGIN, BURN_RATE_FIGURE_END)).toBe(burnRateFigure(SLO_DEFINITION));
  });

  it('shows the 28-day factors of the SRE Workbook table and the alerts left out', () => {
    const table = alertTableMarkdown(SLO_DEFINITION);
    for (const factor of ['13.44x', '5.6x', '2.8x', '0.933x']) expect(table).toContain(factor);
    expect(table).toContain(
      "- 'latency-p50' x page-1h-5m can never fire: its factor 13.44 is not below the highest burn rate 2",
    );
    expect(burnRateFigure(SLO_DEFINITION)).toContain('2x max: 1 of 4 alerts can fire');
  });
});
