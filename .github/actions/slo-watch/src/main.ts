/**
 * The slo-watch action: reads the error-budget report, checks it against slo:report's exit code, lists the open
 * issues with the watch's label, and applies the operations pipeline/src/breach-issues.ts decides. The logic
 * lives in pipeline/ and slo/; this file only wires inputs to it and its results to outputs and the summary.
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
import { reportExitCode } from '../../../../slo/src/report.ts';

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
    const issues = labelledIssues(
      github.getOctokit(core.getInput('github-token', { required: true })),
      github.context.repo,
      label,
    );
    const operations = breachOperations(report, stage, await issues.listOpen());
    const opened = await applyBreachOperations(issues, operations);
    const counts = countOperations(operations);
    const frozen = report.dataProblems.length === 0 && report.budgetExhausted;

    core.setOutput('opened', opened.join(','));
    core.setOutput('updated', String(counts.updated));
    core.setOutput('closed', String(counts.closed));
    core.setOutput('frozen', String(frozen));
    core.summary.addHeading(`SLO watch: stage ${stage}`, 2);
    core.summary.addRaw(
      report.dataProblems.length > 0
        ? `No trustworthy data (exit 2): ${report.dataProblems.join('; ')}`
        : frozen
          ? 'A budget is overspent: releases are frozen (exit 3).'
          : 'Every budget has something left (exit 0).',
      true,
    );
    if (operations.length === 0) core.summary.addRaw('No issue to open, update or close.', true);
    else {
      core.summary.addTable([
        [
          { data: 'operation', header: true },
          { data: 'issue', header: true },
          { data: 'what', header: true },
        ],
        ...operations.map(summaryRow),
      ]);
    }
    await core.summary.write();
  } catch (error) {
    core.setFailed(failureMessage('slo-watch', error));
  }
}
