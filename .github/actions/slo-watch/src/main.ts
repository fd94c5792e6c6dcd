/**
 * The slo-watch action: reads the error-budget report, checks it against slo:report's exit code, lists the open
 * issues with the watch's label, and applies the operations pipeline/src/breach-issues.ts decides. The logic
 * lives in pipeline/ and slo/; this file only wires inputs to it and its results to outputs, the summary and
 * annotations. The summary is written as the run goes (the report's verdict, then the planned operations, then
 * what was applied), so a GitHub call that fails still leaves what the watch saw and meant to do.
 */
import { readFile } from 'node:fs/promises';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { failureMessage } from '../../../../pipeline/src/action-failure.ts';
import {
  applyBreachOperations,
  type BreachOperation,
  breachOperations,
  countOperations,
} from '../../../../pipeline/src/breach-issues.ts';
import { labelledIssues } from '../../../../pipeline/src/github-api.ts';
import { parseSloReport } from '../../../../pipeline/src/slo-report-file.ts';
import {
  EXIT_BUDGET_EXHAUSTED,
  EXIT_DATA_PROBLEM,
  reportExitCode,
  type SloReport,
} from '../../../../slo/src/report.ts';

async function readReport(path: string) {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read report-json ${path}; pass the --json-file of npm run slo:report`, {
      cause: error,
    });
  }
  try {
    return parseSloReport(JSON.parse(text), path);
  } catch (error) {
    throw new Error(`report-json ${path} is not the report slo:report writes`, { cause: error });
  }
}

function summaryRow(operation: BreachOperation): string[] {
  if (operation.kind === 'open') return ['open', '(new)', operation.title];
  if (operation.kind === 'comment') return ['comment', `#${operation.issueNumber}`, operation.title];
  return ['close', `#${operation.issueNumber}`, operation.comment];
}

/**
 * The report's verdict for the summary and, when someone should look, an annotation on the run: a freeze is an
 * error (releases stop), a blind watch a warning (the deploy's preflight cannot check the freeze and goes ahead;
 * release/src/machine.ts preflightCheck).
 */
function announceVerdict(report: SloReport, stage: string): string {
  const exitCode = reportExitCode(report);
  const title = `SLO watch: stage ${stage}`;
  if (exitCode === EXIT_DATA_PROBLEM) {
    const text =
      `No trustworthy data (exit 2): ${report.dataProblems.join('; ')}. No breach issue is opened or closed on ` +
      "it, and releases are not frozen by it: the deploy's preflight cannot check the budget and goes ahead.";
    core.warning(text, { title });
    return text;
  }
  if (exitCode === EXIT_BUDGET_EXHAUSTED) {
    const overspent = report.slos.filter((row) => row.budgetExhausted).map((row) => row.name);
    const text =
      `A budget is overspent (exit 3: ${overspent.join(', ')}): releases are frozen; the deploy's preflight ` +
      'refuses to start one without --override-freeze REASON.';
    core.error(text, { title });
    return text;
  }
  return 'Every budget has something left (exit 0).';
}

export async function run(): Promise<void> {
  try {
    const stage = core.getInput('stage', { required: true });
    const label = core.getInput('label', { required: true });
    const report = await readReport(core.getInput('report-json', { required: true }));
    const exitCodeText = core.getInput('report-exit-code', { required: true });
    const expected = reportExitCode(report);
    if (exitCodeText.trim() !== String(expected)) {
      throw new Error(
        `report-exit-code is ${JSON.stringify(exitCodeText)} but the report means exit ${expected}; ` +
          'pass the exit code of the slo:report run that wrote report-json',
      );
    }
    // The same verdict as the deploy's preflight (release/src/aws/freeze.ts): untrustworthy data is no freeze.
    core.setOutput('frozen', String(expected === EXIT_BUDGET_EXHAUSTED));
    core.summary.addHeading(`SLO watch: stage ${stage}`, 2);
    await core.summary.addRaw(announceVerdict(report, stage), true).write();

    const issues = labelledIssues(
      github.getOctokit(core.getInput('github-token', { required: true })),
      github.context.repo,
      label,
    );
    const operations = breachOperations(report, stage, await issues.listOpen());
    if (operations.length === 0) {
      core.summary.addRaw('No issue to open, update or close.', true);
    } else {
      core.summary.addRaw('Planned, in this order:', true).addTable([
        [
          { data: 'operation', header: true },
          { data: 'issue', header: true },
          { data: 'what', header: true },
        ],
        ...operations.map(summaryRow),
      ]);
    }
    await core.summary.write();

    const opened = await applyBreachOperations(issues, operations);
    const counts = countOperations(operations);
    core.setOutput('opened', opened.join(','));
    core.setOutput('updated', String(counts.updated));
    core.setOutput('closed', String(counts.closed));
    for (const number of opened)
      core.notice(`SLO watch opened issue #${number}`, { title: `SLO watch: ${stage}` });
    if (operations.length > 0) {
      await core.summary
        .addRaw(
          `Applied: ${counts.opened} opened${opened.length > 0 ? ` (#${opened.join(', #')})` : ''}, ` +
            `${counts.updated} updated, ${counts.closed} closed.`,
          true,
        )
        .write();
    }
  } catch (error) {
    core.setFailed(failureMessage('slo-watch', error));
  }
}
