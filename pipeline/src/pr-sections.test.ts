import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffInfrastructure, renderInfraDiff } from './infra-diff.ts';
import { imageSection, infraDiffSection, loadTestSection } from './pr-sections.ts';

/** loadtest:report's rendered example (docs/load-testing.md links it). */
const regressed = readFileSync(
  new URL('../../loadtest/fixtures/reports/pr-regressed.md.txt', import.meta.url),
  'utf8',
);

describe('loadTestSection', () => {
  it("keeps the report as it is, less its own sticky marker, and reads the gate's verdict from its headline", () => {
    const section = loadTestSection(regressed);

    expect(section.verdict).toBe('fail');
    expect(section.markdown).toBe(regressed.replace('<!-- shiftgate-loadtest-report -->\n\n', ''));
    expect(section.markdown).toContain('```mermaid');
  });

  it('passes a report whose headline passed', () => {
    expect(loadTestSection(regressed.replace('### ❌ Load test', '### ✅ Load test')).verdict).toBe('pass');
  });

  it('refuses Markdown that is not a load-test report', () => {
    expect(() => loadTestSection('# notes')).toThrow(/no `### ✅\|❌ Load test` headline; pass the file/);
  });
});

describe('infraDiffSection', () => {
  it.each([
    [new Map(), 'pass'],
    [new Map([['Gone', { Resources: {} }]]), 'warn'],
  ] as const)('judges the verdict infra:diff wrote', (base, verdict) => {
    expect(infraDiffSection(renderInfraDiff(diffInfrastructure(base, new Map()))).verdict).toBe(verdict);
  });

  it('refuses Markdown without the verdict marker', () => {
    expect(() => infraDiffSection('ℹ️ infrastructure changes')).toThrow(/carries no verdict marker/);
  });
});

describe('imageSection', () => {
  it('fails on a failed smoke test', () => {
    const smoke = {
      ok: false,
      url: 'u',
      attempts: 1,
      elapsedMs: 1,
      statusCode: 500,
      detail: 'POST /predict answered 500',
    };

    expect(imageSection({ headBytes: 1, baseBytes: 1, smoke }).verdict).toBe('fail');
  });
});
