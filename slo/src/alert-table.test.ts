import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALERT_TABLE_BEGIN, ALERT_TABLE_END, alertTableMarkdown } from './alert-table.ts';
import { SLO_DEFINITION } from './definition.ts';

describe('docs/slo.md alert table', () => {
  it('matches the table generated from the definition (paste the expected block to fix)', () => {
    const docs = readFileSync(new URL('../../docs/slo.md', import.meta.url), 'utf8');
    const begin = docs.indexOf(ALERT_TABLE_BEGIN);
    const end = docs.indexOf(ALERT_TABLE_END);
    expect(begin, `docs/slo.md lacks the line ${ALERT_TABLE_BEGIN}`).toBeGreaterThanOrEqual(0);
    expect(docs.slice(begin + ALERT_TABLE_BEGIN.length, end).trim()).toBe(alertTableMarkdown(SLO_DEFINITION));
  });

  it('shows the 28-day factors of the SRE Workbook table', () => {
    const table = alertTableMarkdown(SLO_DEFINITION);
    for (const factor of ['13.44x', '5.6x', '2.8x', '0.933x']) expect(table).toContain(factor);
  });
});
