/**
 * ONE GitHub issue per (stage, SLO) breach, kept from the error-budget report (slo/src/report.ts). Pure: the
 * report and the open issues with the watch's label come in, the operations to apply go out.
 *
 * - A breach: an alert of the SLO fires (slo:report's firingAlerts), or its budget is low (LOW_BUDGET_REMAINING)
 *   or overspent. It opens an issue whose title names the stage, the SLO and what fired.
 * - While it lasts: a comment, only when its state changes (which alerts fire, the budget's band), never every
 *   run: the issue body's hidden marker carries the state it last reported, and is rewritten with it.
 * - Recovery (a trustworthy report without the breach): a recovery comment and the issue closes.
 * - No trustworthy data (dataProblems, slo:report exit 2) is not recovery: no breach issue is opened, commented
 *   or closed on it. Instead ONE issue per stage says the watch is blind, with the problems (commented when their
 *   kinds change, not their counts), and closes when a trustworthy report comes back.
 */
import { createHash } from 'node:crypto';
import type { SloReport, SloReportRow } from '../../slo/src/report.ts';

/**
 * An SLO's budget is low with less than 20% of it left: the error-budget policy (docs/slo.md, item 6) calls one
 * incident spending more than 20% of a budget a postmortem-sized one, so below this line one such incident
 * overspends the budget and freezes releases. The issue is the warning before that freeze.
 */
export const LOW_BUDGET_REMAINING = 0.2;

/** The key of the stage's "no trustworthy data" issue, where an SLO's name would be. */
const DATA_KEY = 'data';
const MARKER = /<!-- shiftgate-slo-breach stage=(\S+) slo=(\S+) state=(\S*) -->/;

export interface OpenIssue {
  number: number;
  body?: string | null;
}

export type BreachOperation =
  | { kind: 'open'; title: string; body: string }
  | { kind: 'comment'; issueNumber: number; title: string; body: string; comment: string }
  | { kind: 'close'; issueNumber: number; comment: string };

type BudgetBand = 'ok' | 'low' | 'overspent';

interface Breach {
  row: SloReportRow;
  band: BudgetBand;
  state: string;
}

function budgetBand(row: SloReportRow): BudgetBand {
  if (row.budgetExhausted) return 'overspent';
  return row.budgetRemaining !== null && row.budgetRemaining < LOW_BUDGET_REMAINING ? 'low' : 'ok';
}

/** The breach of one row, or null: its state is what a change of warrants a comment. */
function breachOf(row: SloReportRow): Breach | null {
  const band = budgetBand(row);
  if (band === 'ok' && row.firingAlerts.length === 0) return null;
  return { row, band, state: `budget:${band},alerts:${[...row.firingAlerts].sort().join('+') || 'none'}` };
}

function marker(stage: string, key: string, state: string): string {
  return `<!-- shiftgate-slo-breach stage=${stage} slo=${key} state=${state} -->`;
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

function budgetLine(row: SloReportRow, band: BudgetBand): string {
  if (row.budgetRemaining === null) return 'error budget: no data';
  if (band === 'overspent')
    return `error budget **overspent**: ${percent(1 - row.budgetRemaining)} of it used`;
  const low = band === 'low' ? ` (**low**: under ${percent(LOW_BUDGET_REMAINING)})` : '';
  return `error budget: ${percent(row.budgetRemaining)} left${low}`;
}

function whatFired({ row, band }: Breach): string {
  const parts = [];
  if (row.firingAlerts.length > 0) parts.push(`${row.firingAlerts.join(', ')} firing`);
  if (band === 'overspent') parts.push('budget overspent, releases frozen');
  else if (band === 'low' && row.budgetRemaining !== null)
    parts.push(`budget low (${percent(row.budgetRemaining)} left)`);
  return parts.join('; ');
}

function burnLines(row: SloReportRow): string[] {
  return row.burnRates.map(
    ({ window, burnRate }) => `| ${window} | ${burnRate === null ? 'no data' : `${burnRate.toFixed(2)}x`} |`,
  );
}

const FREEZE_TEXT = [
  "**Releases are frozen**: the deploy's preflight reads the same report and refuses to start a release while a",
  'budget is overspent (docs/slo.md, error-budget policy 4). The freeze lifts when the rolling window ages the',
  'bad minutes out. Only changes that restore reliability should ship meanwhile; to release anyway, with the',
  "service owner's written sign-off, start it with `--override-freeze REASON` (`npm run release -- start …",
  "--override-freeze REASON`, or the deploy workflow's `override-freeze` input).",
].join('\n');

function breachState(report: SloReport, stage: string, breach: Breach): string {
  const { row, band } = breach;
  const lines = [
    `**${whatFired(breach)}** (report of ${report.windowEnd})`,
    '',
    `- SLO \`${row.name}\`: ${row.description}; target ${percent(row.target)}`,
    `- attainment over ${report.window}: ${row.attainment === null ? 'no data' : percent(row.attainment)}`,
    `- ${budgetLine(row, band)}`,
    '',
    '| burn-rate window | burn rate |',
    '|---|---:|',
    ...burnLines(row),
  ];
  if (band === 'overspent') lines.push('', FREEZE_TEXT);
  lines.push('', `Stage \`${stage}\`. The figures are \`npm run slo:report -- --stage ${stage}\`'s.`);
  return lines.join('\n');
}

function breachTitle(stage: string, breach: Breach): string {
  return `[${stage}] SLO ${breach.row.name}: ${whatFired(breach)}`;
}

function breachBody(report: SloReport, stage: string, breach: Breach): string {
  return [
    marker(stage, breach.row.name, breach.state),
    breachState(report, stage, breach),
    '',
    'This issue is kept by the SLO watch (.github/workflows/slo-watch.yml): a comment when the breach changes,',
    'closed when a trustworthy report shows the SLO recovered. The policy: docs/slo.md, "Error-budget policy".',
  ].join('\n');
}

function dataProblemBody(report: SloReport, stage: string, state: string): string {
  return [
    marker(stage, DATA_KEY, state),
    `**The error-budget report of stage \`${stage}\` cannot be trusted** (slo:report exit 2, report of ${report.windowEnd}):`,
    '',
    ...report.dataProblems.map((problem) => `- ${problem}`),
    '',
    'No data is not recovery: the SLO watch neither opens nor closes breach issues until the report can be',
    "trusted again. Nor is it a freeze: the deploy's preflight cannot check the budget on this data and goes",
    'ahead, saying so in its report. The error-budget policy (docs/slo.md, item 5) asks that releases wait, so',
    'hold them by hand until this issue closes, which it does once the report can be trusted.',
  ].join('\n');
}

/**
 * A stable fingerprint of the problems' kinds (slo/src/data-checks.ts), never their messages, which carry live
 * counts: one comment per distinct set of problems, not one per run.
 */
function problemsState(kinds: readonly string[]): string {
  return createHash('sha256')
    .update([...new Set(kinds)].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
}

interface KeyedIssue {
  issue: OpenIssue;
  state: string;
}

/** The stage's open issues by key (SLO name or DATA_KEY); issues of other stages and unmarked ones are not ours. */
function keyedIssues(issues: readonly OpenIssue[], stage: string): Map<string, KeyedIssue> {
  const keyed = new Map<string, KeyedIssue>();
  for (const issue of [...issues].sort((a, b) => a.number - b.number)) {
    const match = MARKER.exec(issue.body ?? '');
    if (match === null || match[1] !== stage) continue;
    const key = match[2] ?? '';
    // Two issues for one key (a run raced another): keep the oldest, as a person would.
    if (!keyed.has(key)) keyed.set(key, { issue, state: match[3] ?? '' });
  }
  return keyed;
}

export function breachOperations(
  report: SloReport,
  stage: string,
  openIssues: readonly OpenIssue[],
): BreachOperation[] {
  const issues = keyedIssues(openIssues, stage);
  const operations: BreachOperation[] = [];
  const dataIssue = issues.get(DATA_KEY);
  if (report.dataProblems.length > 0) {
    const state = problemsState(report.dataProblemKinds);
    const title = `[${stage}] SLO report: no trustworthy data`;
    const body = dataProblemBody(report, stage, state);
    if (dataIssue === undefined) operations.push({ kind: 'open', title, body });
    else if (dataIssue.state !== state) {
      operations.push({
        kind: 'comment',
        issueNumber: dataIssue.issue.number,
        title,
        body,
        comment: `The problems changed:\n\n${report.dataProblems.map((problem) => `- ${problem}`).join('\n')}`,
      });
    }
    return operations;
  }
  if (dataIssue !== undefined) {
    operations.push({
      kind: 'close',
      issueNumber: dataIssue.issue.number,
      comment: `The report of ${report.windowEnd} can be trusted again; the SLO watch acts on it from now on.`,
    });
  }
  const reported = new Set<string>();
  for (const row of report.slos) {
    reported.add(row.name);
    const breach = breachOf(row);
    const existing = issues.get(row.name);
    if (breach !== null && existing === undefined) {
      operations.push({
        kind: 'open',
        title: breachTitle(stage, breach),
        body: breachBody(report, stage, breach),
      });
    } else if (breach !== null && existing !== undefined && existing.state !== breach.state) {
      operations.push({
        kind: 'comment',
        issueNumber: existing.issue.number,
        title: breachTitle(stage, breach),
        body: breachBody(report, stage, breach),
        comment: `The breach changed: ${breachState(report, stage, breach)}`,
      });
    } else if (breach === null && existing !== undefined) {
      const budget =
        row.budgetRemaining === null ? '' : `, ${percent(row.budgetRemaining)} of the budget left`;
      operations.push({
        kind: 'close',
        issueNumber: existing.issue.number,
        comment: `Recovered (report of ${report.windowEnd}): no alert fires${budget}.`,
      });
    }
  }
  for (const [key, { issue }] of issues) {
    if (key === DATA_KEY || reported.has(key)) continue;
    operations.push({
      kind: 'close',
      issueNumber: issue.number,
      comment: `The SLO \`${key}\` is no longer in the report (renamed or removed from slo/src/definition.ts).`,
    });
  }
  return operations;
}

export interface BreachCounts {
  opened: number;
  updated: number;
  closed: number;
}

export function countOperations(operations: readonly BreachOperation[]): BreachCounts {
  return {
    opened: operations.filter((operation) => operation.kind === 'open').length,
    updated: operations.filter((operation) => operation.kind === 'comment').length,
    closed: operations.filter((operation) => operation.kind === 'close').length,
  };
}

/** The watch's issues in one repository (github-api.ts adapts octokit to it). */
export interface BreachIssuesPort {
  /** Open issues with the watch's label, pull requests left out. */
  listOpen(): Promise<OpenIssue[]>;
  create(title: string, body: string): Promise<number>;
  comment(issueNumber: number, body: string): Promise<void>;
  edit(issueNumber: number, changes: { title?: string; body?: string; state?: 'closed' }): Promise<void>;
}

/**
 * Applies the operations in order; returns the issue numbers it opened. The issue's state (marker or closed)
 * changes BEFORE its comment: if the comment then fails, the next run sees the new state and stays quiet, where
 * the other order would repeat the comment every run until the edit went through.
 */
export async function applyBreachOperations(
  issues: BreachIssuesPort,
  operations: readonly BreachOperation[],
): Promise<number[]> {
  const opened: number[] = [];
  for (const operation of operations) {
    if (operation.kind === 'open') opened.push(await issues.create(operation.title, operation.body));
    else if (operation.kind === 'comment') {
      await issues.edit(operation.issueNumber, { title: operation.title, body: operation.body });
      await issues.comment(operation.issueNumber, operation.comment);
    } else {
      await issues.edit(operation.issueNumber, { state: 'closed' });
      await issues.comment(operation.issueNumber, operation.comment);
    }
  }
  return opened;
}
