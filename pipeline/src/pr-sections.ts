/**
 * Each section of the pull-request comment from what its job produced, with the verdict the headline needs.
 * Pure: the files' contents come in parsed (pr-report-files.ts reads them).
 */
import { type ImageReportInput, imageVerdict, renderImageReport } from './image-report.ts';
import { type InfraDiffVerdict, infraDiffVerdictOf } from './infra-diff-verdict.ts';
import type { RenderedSection, SectionVerdict } from './pr-comment.ts';
import { renderTestSummary, summarizeTests, testsVerdict, type VitestReport } from './test-summary.ts';

export function testsSection(reports: readonly VitestReport[], root: string): RenderedSection {
  const summary = summarizeTests(reports, root);
  return { markdown: renderTestSummary(summary), verdict: testsVerdict(summary) };
}

/** loadtest:report's headline: `### ✅ Load test …` or `### ❌ Load test …` (loadtest/src/report.ts). */
const LOAD_TEST_HEADLINE = /^### (✅|❌) Load test/m;
/** loadtest:report's own sticky marker: inside this comment it would make the comment look like that one. */
const LEADING_MARKERS = /^(?:<!--[^\n]*-->\n)+\n?/;

/** The load-test report as loadtest:report wrote it (table and charts), less its own marker. */
export function loadTestSection(markdown: string): RenderedSection {
  const mark = LOAD_TEST_HEADLINE.exec(markdown)?.[1];
  if (mark === undefined) {
    throw new Error(
      'the load-test report has no `### ✅|❌ Load test` headline; pass the file `npm run loadtest:report -- … --out FILE` wrote',
    );
  }
  return { markdown: markdown.replace(LEADING_MARKERS, ''), verdict: mark === '✅' ? 'pass' : 'fail' };
}

export function imageSection(report: ImageReportInput): RenderedSection {
  return { markdown: renderImageReport(report), verdict: imageVerdict(report) };
}

/** A change is for a reviewer to look at, a dangerous one to think about; neither fails the pull request. */
const INFRA_SECTION_VERDICT: Record<InfraDiffVerdict, SectionVerdict> = {
  unchanged: 'pass',
  changed: 'info',
  dangerous: 'warn',
};

export function infraDiffSection(markdown: string): RenderedSection {
  const verdict = infraDiffVerdictOf(markdown);
  if (verdict === null) {
    throw new Error(
      'the infrastructure diff carries no verdict marker; pass the file `npm run infra:diff -- … --out FILE` wrote',
    );
  }
  return { markdown, verdict: INFRA_SECTION_VERDICT[verdict] };
}
