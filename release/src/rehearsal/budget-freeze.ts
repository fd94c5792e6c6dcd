/**
 * The freeze a rehearsal checks. The local platform keeps hours of metrics, not the SLO window the error budget is
 * counted over, so by default the freeze is not checked and the report says why; `--budget-report FILE` gives an
 * `npm run slo:report -- --json-file FILE` report to decide from instead (how a rehearsal proves the refusal). The
 * file a rehearsal started with is kept in its state directory, so that `--resume` checks the same freeze.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import { SLO_DEFINITION } from '../../../slo/src/definition.ts';
import type { SloReport } from '../../../slo/src/report.ts';
import type { FreezeStatus } from '../model.ts';

export const UNCHECKED_LOCAL_FREEZE: FreezeStatus = {
  checked: false,
  why:
    `the local platform keeps no ${SLO_DEFINITION.timeWindow.duration} history to count the error budget over; ` +
    'pass --budget-report FILE (an npm run slo:report JSON) to check the freeze',
};

const isReport = (value: unknown): value is Pick<SloReport, 'budgetExhausted' | 'dataProblems' | 'slos'> => {
  const report = value as Partial<SloReport> | null;
  return (
    typeof report === 'object' &&
    report !== null &&
    typeof report.budgetExhausted === 'boolean' &&
    Array.isArray(report.dataProblems) &&
    Array.isArray(report.slos)
  );
};

/**
 * The freeze an slo:report JSON says: frozen when a budget is overspent; not checked when its data cannot be
 * trusted (slo:report's own rule: untrustworthy data wins over an overspent budget, which it may fake).
 */
export function freezeFromBudgetReport(report: unknown, file: string): FreezeStatus {
  if (!isReport(report)) {
    throw new Error(
      `--budget-report ${file} is not an slo:report JSON (no budgetExhausted, dataProblems and slos): write one ` +
        'with npm run slo:report -- --json-file FILE',
    );
  }
  if (report.dataProblems.length > 0) {
    return { checked: false, why: `${file} has no trustworthy data: ${report.dataProblems.join('; ')}` };
  }
  const spent = report.slos.filter((row) => row.budgetExhausted).map((row) => row.name);
  return {
    checked: true,
    frozen: report.budgetExhausted,
    detail: report.budgetExhausted
      ? `${file}: the error budget of ${spent.join(', ')} is overspent`
      : `${file}: every SLO has budget left`,
  };
}

/** The freeze from `--budget-report FILE`, read once before anything starts; UNCHECKED_LOCAL_FREEZE without one. */
export async function readBudgetFreeze(file: string | null): Promise<FreezeStatus> {
  if (file === null) return UNCHECKED_LOCAL_FREEZE;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read --budget-report ${file}: give the path of an slo:report JSON`, {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `--budget-report ${file} is not JSON: write it with npm run slo:report -- --json-file FILE`,
      {
        cause: error,
      },
    );
  }
  return freezeFromBudgetReport(parsed, file);
}

/** Where a rehearsal keeps the --budget-report it started with. */
export const keptBudgetReportPath = (stateDir: string) => join(stateDir, 'budget-report.json');

const keptBudgetReportSchema = z.object({ budgetReport: z.string().nullable() });

/**
 * Kept before the release starts, atomically and as an absolute path: a release cut off in preflight has not
 * checked the freeze yet, and `--resume` (run from anywhere, with no --budget-report of its own) must check the
 * same one instead of the unchecked local freeze. The override needs no copy: the journal's `started` keeps it.
 */
export async function keepBudgetReport(stateDir: string, file: string | null): Promise<void> {
  const kept: z.infer<typeof keptBudgetReportSchema> = { budgetReport: file === null ? null : resolve(file) };
  await writeFileAtomic(keptBudgetReportPath(stateDir), `${JSON.stringify(kept)}\n`);
}

/** The freeze of the --budget-report the rehearsal of `stateDir` started with, read again now. */
export async function keptBudgetFreeze(stateDir: string): Promise<FreezeStatus> {
  const path = keptBudgetReportPath(stateDir);
  let kept: z.infer<typeof keptBudgetReportSchema>;
  try {
    kept = keptBudgetReportSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    throw new Error(
      `cannot read ${path}, the --budget-report this rehearsal started with, so its freeze cannot be checked: ` +
        'roll the release back with npm run release:local -- --abort',
      { cause: error },
    );
  }
  return readBudgetFreeze(kept.budgetReport);
}
