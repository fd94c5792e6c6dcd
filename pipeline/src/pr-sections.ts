/**
 * Each section of the pull-request comment from what its job produced, with the verdict the headline needs.
 * Pure: the files' contents come in parsed (pr-report-files.ts reads them).
 */
import { type ImageReportInput, imageVerdict, renderImageReport } from './image-report.ts';
import { type InfraDiffVerdict, infraDiffVerdictOf } from './infra-diff-verdict.ts';
import { isFailedStatus, type JobStatus, type RenderedSection, type SectionVerdict } from './pr-comment.ts';
import { renderTestSummary, type TestRun, testsVerdict } from './test-summary.ts';

export function testsSection(runs: readonly TestRun[]): RenderedSection {
  return { markdown: renderTestSummary(runs), verdict: testsVerdict(runs) };
}

/**
 * A section whose job failed is ❌ whatever its report says: the job also failed on what the report does not
 * show (the tests on one Node version only, a stale dist/, lint, a step after the report), or failed after
 * writing it. `why` is the workflow's word on it, when it passed one.
 */
export function withJobStatus(
  section: RenderedSection,
  status: JobStatus | null,
  why: string | undefined,
): RenderedSection {
  if (status === null || !isFailedStatus(status)) return section;
  const because = why === undefined ? '' : `: ${why}`;
  return {
    verdict: 'fail',
    markdown:
      `❌ **Its job's status is \`${status}\`**${because}. The job failed besides or after this report: ` +
      `its log says which step.\n\n${section.markdown}`,
  };
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
