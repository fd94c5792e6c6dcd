/**
 * Whether the error budget freezes releases, from the error-budget report of issue 4 (slo/src: the same fetch and
 * the same report `npm run slo:report` prints, so the release and the report can never disagree). An overspent
 * budget freezes; figures the report cannot trust (no invocations, app and Lambda disagree, an SLO measured
 * nothing) are "not checked", with why; a failure to read CloudWatch is thrown, because a release must not start
 * on a check it could not make (the CLI's --override-freeze is the way past it).
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { describeError } from '../../../common/errors.ts';
import { fetchReportInput } from '../../../slo/src/cloudwatch-series.ts';
import { SLO_DEFINITION } from '../../../slo/src/definition.ts';
import { buildReport, type SloReport, type SloReportRow } from '../../../slo/src/report.ts';
import { validateDefinition } from '../../../slo/src/validate.ts';
import type { FreezeStatus } from '../model.ts';

export interface FreezeTarget {
  readonly functionName: string;
  readonly stage: string;
  /** The alias production traffic goes through: `live`. */
  readonly aliasName: string;
}

export async function freezeFromSloReport(
  cloudwatch: CloudWatchClient,
  target: FreezeTarget,
  now: Date,
): Promise<FreezeStatus> {
  validateDefinition(SLO_DEFINITION);
  let report: SloReport;
  try {
    const input = await fetchReportInput(cloudwatch, {
      definition: SLO_DEFINITION,
      target: { ...target },
      end: now,
    });
    const region = await cloudwatch.config.region();
    report = buildReport(SLO_DEFINITION, input, { ...target, region });
  } catch (error) {
    throw new Error(
      `the release freeze cannot be checked: reading the error-budget report of ${target.functionName} ` +
        `(stage ${target.stage}) from CloudWatch failed (${describeError(error)}); fix the access and run it again, ` +
        'or start with --override-freeze REASON',
      { cause: error },
    );
  }
  return freezeStatusOf(report);
}

/** The report's verdict on releases. Pure. */
export function freezeStatusOf(report: SloReport): FreezeStatus {
  const window = `the ${report.window} window ending ${report.windowEnd}`;
  if (report.dataProblems.length > 0) {
    return {
      checked: false,
      why: `no trustworthy SLO data over ${window}: ${report.dataProblems.join('; ')}`,
    };
  }
  const overspent = report.slos.filter((row) => row.budgetExhausted);
  if (overspent.length > 0) {
    return {
      checked: true,
      frozen: true,
      detail: `error budget overspent over ${window}: ${overspent.map(budgetLine).join('; ')}`,
    };
  }
  return {
    checked: true,
    frozen: false,
    detail: `every error budget has some left over ${window}: ${report.slos.map(budgetLine).join('; ')}`,
  };
}

function budgetLine(row: SloReportRow): string {
  const remaining = row.budgetRemaining;
  const budget =
    remaining === null
      ? 'no data'
      : remaining < 0
        ? `overspent by ${percent(-remaining)} of its budget`
        : `${percent(remaining)} of its budget left`;
  const attained =
    row.attainment === null
      ? ''
      : ` (attainment ${percent(row.attainment, 3)}, target ${percent(row.target, 3)})`;
  return `${row.name} ${budget}${attained}`;
}

function percent(value: number, digits = 1): string {
  return `${Number((value * 100).toFixed(digits))}%`;
}
