/**
 * An `npm run slo:report` JSON of a month whose availability budget is overspent, built by slo:report's own code
 * (buildReport, renderJson) so that it always has the shape the command writes: 28 days of 1,000 requests per
 * five minutes with 3 of them 5xx (0.3 %, three times the 0.1 % the availability SLO allows), latency well inside
 * its objectives, and nothing that makes the data untrustworthy.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SLO_DEFINITION } from '../../slo/src/definition.ts';
import { buildReport } from '../../slo/src/report.ts';
import { renderJson } from '../../slo/src/report-render.ts';

const PERIOD_MS = 5 * 60_000;
const WINDOW_PERIODS = (28 * 24 * 60) / 5;
const REQUESTS = 1_000;
const SERVER_ERRORS = 3;

/** Writes the report into `dir` and returns its path. */
export async function writeOverspentBudgetReport(dir: string): Promise<string> {
  const windowEnd = Date.now();
  const starts = Array.from(
    { length: WINDOW_PERIODS },
    (_, i) => windowEnd - (WINDOW_PERIODS - i) * PERIOD_MS,
  );
  const each = (value: number) => new Map(starts.map((start) => [start, value]));
  const successes = REQUESTS - SERVER_ERRORS;
  const report = buildReport(
    SLO_DEFINITION,
    {
      windowEnd,
      availability: { serverErrors: each(SERVER_ERRORS), errors: each(0), throttles: each(0) },
      invocations: each(REQUESTS),
      successes: each(successes),
      clientErrors: each(0),
      latency: { 'latency-p95': each(successes), 'latency-p50': each(successes) },
      windowPercentileMs: { 'latency-p95': 48, 'latency-p50': 21 },
    },
    { region: 'ap-northeast-1', functionName: 'predictor-prod', aliasName: 'live', stage: 'prod' },
  );
  if (!report.budgetExhausted || report.dataProblems.length > 0) {
    throw new Error(
      `the overspent budget report is not overspent and trustworthy (budgetExhausted ${report.budgetExhausted}, ` +
        `data problems: ${report.dataProblems.join('; ') || 'none'}): the SLO definition changed; raise SERVER_ERRORS`,
    );
  }
  const path = join(dir, 'slo-report.json');
  await writeFile(path, renderJson(report));
  return path;
}
