import type { DataProblem } from '../data-checks.ts';
import { SLO_DEFINITION } from '../definition.ts';
import type { SloReport, SloReportRow } from '../report.ts';

/** An error-budget report as `slo:report --format json` writes it, over a fixed 28-day window, for tests. */
export function sloReportOf(rows: SloReportRow[], problems: DataProblem[] = []): SloReport {
  return {
    service: SLO_DEFINITION.service,
    window: '28d',
    windowStart: '2026-11-02T07:00:00.000Z',
    windowEnd: '2026-11-30T07:00:00.000Z',
    budgetExhausted: rows.some((row) => row.budgetExhausted),
    dataProblems: problems.map((problem) => problem.message),
    dataProblemKinds: problems.map((problem) => problem.kind),
    leftOutAlerts: [],
    slos: rows,
  };
}
