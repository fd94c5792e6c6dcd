/**
 * The `release` action's decisions, pure (.github/actions/release only wires them): the `npm run release` command
 * line its inputs make, whether the run did what its command intends, and what that puts on the run's GitHub
 * Deployment, on the commit status and in the step's failure, each a line a reviewer reads first.
 */
import { describeError } from '../../common/errors.ts';
import type { Outcome } from './model.ts';
import type { ReleaseReport } from './report.ts';

export const ACTION_COMMANDS = ['start', 'resume', 'abort', 'rollback'] as const;
export type ActionCommand = (typeof ACTION_COMMANDS)[number];

/** The action's inputs as action.yml names them, read (strings trimmed, empty = not given). */
export interface ReleaseActionInputs {
  readonly command: string;
  readonly functionName: string;
  readonly candidate: string;
  readonly stage: string;
  readonly recordTable: string;
  /** Comma-separated; empty is refused for start and resume unless noPageAlarms. */
  readonly pageAlarms: string;
  readonly noPageAlarms: boolean;
  readonly plan: string;
  readonly bake: string;
  readonly modelChange: boolean;
  readonly overrideFreeze: boolean;
  /** Why: abort's and rollback's reason, or the reason recorded with start's override-freeze. */
  readonly reason: string;
  readonly toVersion: string;
  readonly reportPath: string;
}

/** The outcomes after which live is where each command means it to be. */
const INTENDED: Readonly<Record<ActionCommand, readonly Outcome[]>> = {
  // already-live: the candidate served all of live already (a deploy that published no new version).
  start: ['promoted', 'already-live'],
  // A resumed rollback run ends reverted; a resumed release, promoted (or already-live, cut off in its preflight).
  resume: ['promoted', 'reverted', 'already-live'],
  // Live back on one version, the one before the release (or a revert carried to its end).
  abort: ['rolled-back', 'stopped-before-traffic', 'reverted'],
  rollback: ['rolled-back', 'stopped-before-traffic', 'reverted'],
};

/** The inputs only `start` takes, by the name the action gives them. */
const START_ONLY = ['candidate', 'plan', 'bake', 'model-change', 'override-freeze'] as const;

function inputError(name: string, problem: string): Error {
  return new Error(`input ${name} ${problem}`);
}

export function actionCommandOf(command: string): ActionCommand {
  const name = command === '' ? 'start' : command;
  if (!(ACTION_COMMANDS as readonly string[]).includes(name)) {
    throw inputError('command', `is '${command}': use one of ${ACTION_COMMANDS.join(', ')}`);
  }
  return name as ActionCommand;
}

/**
 * `npm run release`'s argv for the inputs (release-args.ts checks the values themselves). Refuses, naming the
 * input and the fix, what the action's own interface rules out: a missing setting, a start-only input with
 * another command, and no page alarms for start or resume without no-page-alarms. `runUrl` is recorded as the
 * override's reason when override-freeze gives none.
 */
export function releaseArgv(inputs: ReleaseActionInputs, runUrl: string): string[] {
  const command = actionCommandOf(inputs.command);
  const required: [string, string, string][] = [
    [
      'function-name',
      inputs.functionName,
      "the Lambda function whose live alias to move: the stack's FunctionName",
    ],
    ['record-table', inputs.recordTable, "the release record's table: the stack's ReleaseTableName"],
    ['stage', inputs.stage, "the stage the service's metrics are published under, e.g. prod"],
    // The report is what the outcome is read from: without it a release that ran would report nothing.
    ['report-path', inputs.reportPath, 'where the report JSON goes, e.g. release-report.json'],
  ];
  if (command === 'start') {
    required.push(['candidate', inputs.candidate, "the version to release: the stack's PublishedVersion"]);
  }
  if (command === 'rollback') required.push(['reason', inputs.reason, 'say why live goes back']);
  const missing = required.filter(([, value]) => value === '');
  if (missing.length > 0) {
    throw new Error(
      `the release action's ${command} needs ${missing.map(([name, , what]) => `input ${name} (${what})`).join(', ')}`,
    );
  }
  if (command !== 'start') {
    const given = {
      candidate: inputs.candidate !== '',
      plan: inputs.plan !== '',
      bake: inputs.bake !== '',
      'model-change': inputs.modelChange,
      'override-freeze': inputs.overrideFreeze,
    };
    const misplaced = START_ONLY.filter((name) => given[name]);
    if (misplaced.length > 0) {
      throw inputError(
        misplaced.join(', '),
        `only go${misplaced.length === 1 ? 'es' : ''} with command start, not ${command}`,
      );
    }
  }
  if (command !== 'rollback' && inputs.toVersion !== '') {
    throw inputError('to-version', `goes with command rollback, not ${command}`);
  }
  if (command === 'resume' && inputs.reason !== '')
    throw inputError('reason', 'does not go with command resume');
  if (command === 'start' && inputs.reason !== '' && !inputs.overrideFreeze) {
    throw inputError('reason', 'goes with start only as the reason for override-freeze: true');
  }
  const releases = command === 'start' || command === 'resume';
  if (releases && inputs.pageAlarms === '' && !inputs.noPageAlarms) {
    throw inputError(
      'page-alarms',
      "is empty: name the page-severity composite alarms that roll a release back (the stack's PageAlarmNames), " +
        'or set no-page-alarms: true to release without them',
    );
  }
  if (inputs.pageAlarms !== '' && inputs.noPageAlarms) {
    throw inputError('page-alarms', 'is given with no-page-alarms: true: give one or the other');
  }
  const flag = (name: string, value: string) => (value === '' ? [] : [name, value]);
  return [
    command,
    '--function',
    inputs.functionName,
    '--record-table',
    inputs.recordTable,
    '--stage',
    inputs.stage,
    ...flag('--page-alarms', inputs.pageAlarms),
    ...(inputs.noPageAlarms ? ['--no-page-alarms'] : []),
    ...(command === 'start'
      ? [
          '--candidate',
          inputs.candidate,
          ...flag('--plan', inputs.plan),
          ...flag('--bake', inputs.bake),
          ...(inputs.modelChange ? ['--model-change'] : []),
          ...(inputs.overrideFreeze
            ? ['--override-freeze', inputs.reason || `override-freeze set by ${runUrl}`]
            : []),
        ]
      : []),
    ...(command === 'abort' || command === 'rollback' ? flag('--reason', inputs.reason) : []),
    ...(command === 'rollback' ? flag('--to', inputs.toVersion) : []),
    '--out',
    inputs.reportPath,
  ];
}

/** How `npm run release` ended: its exit code, the report it wrote, what it threw, what it said on stderr. */
export interface ReleaseRunEnd {
  readonly exitCode: number;
  readonly report: ReleaseReport | null;
  /** describeError of what runReleaseCli threw (its exit code is then 1); null when it returned. */
  readonly crash: string | null;
  readonly stderr: string;
}

/** GitHub's states for both a deployment status and a commit status that the action uses. */
export type StatusState = 'success' | 'failure' | 'error';

export interface ActionVerdict {
  readonly succeeded: boolean;
  /** failure: the release ended with an outcome its command did not intend; error: it never got to one. */
  readonly state: StatusState;
  /** One line: what happened and why, the first thing a reviewer reads. */
  readonly reason: string;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

function outcomeLine(report: ReleaseReport): string {
  const why = report.reasons.join('; ');
  switch (report.outcome) {
    case 'promoted':
      return `promoted version ${report.candidate} to live`;
    case 'reverted':
      return `reverted: live back on version ${report.stable} from ${report.candidate}: ${why}`;
    case 'already-live':
      // Its one reason says it: "version N already serves all of live: nothing to release".
      return why;
    case null:
      return `release ${report.releaseId} has not finished: last state ${report.state}; resume or abort it`;
    default:
      return `${report.outcome}: ${why || 'no reason recorded'}`;
  }
}

/** Whether the run did what `command` intends, and the one line that says so. */
export function verdictOf(command: ActionCommand, end: ReleaseRunEnd): ActionVerdict {
  if (end.crash !== null) {
    return { succeeded: false, state: 'error', reason: oneLine(`${command} failed: ${end.crash}`) };
  }
  if (end.report === null) {
    if (end.exitCode === 0) {
      // abort with no release holding the lock: live is as it was, which is what abort wants.
      return {
        succeeded: true,
        state: 'success',
        reason: oneLine(end.stderr) || `${command}: nothing to do`,
      };
    }
    const said = end.stderr.split('\n').find((line) => line.trim() !== '') ?? 'no report and nothing said';
    return {
      succeeded: false,
      state: 'error',
      reason: oneLine(`${command} exited ${end.exitCode}: ${said}`),
    };
  }
  const { outcome } = end.report;
  const reason = oneLine(outcomeLine(end.report));
  if (outcome === null) return { succeeded: false, state: 'error', reason };
  const succeeded = INTENDED[command].includes(outcome);
  return { succeeded, state: succeeded ? 'success' : 'failure', reason };
}

/**
 * GitHub caps a deployment status's description at 140 characters (docs.github.com/rest/deployments/statuses,
 * "Create a deployment status": "The maximum description length is 140 characters"); the commit status gets the
 * same text, so both read alike.
 */
export const STATUS_DESCRIPTION_MAX = 140;

export function statusDescription(reason: string): string {
  return reason.length <= STATUS_DESCRIPTION_MAX ? reason : `${reason.slice(0, STATUS_DESCRIPTION_MAX - 1)}…`;
}

/**
 * The newest of a commit's deployments to an environment: the highest id (ids only grow). GitHub documents no
 * order for "List deployments", so the action does not take the first one as the newest.
 */
export function newestDeploymentId(deployments: readonly { readonly id: number }[]): number | null {
  return deployments.reduce<number | null>(
    (newest, { id }) => (newest === null || id > newest ? id : newest),
    null,
  );
}

/** The commit status every run of the action sets: one context, whatever the command. */
export const COMMIT_STATUS_CONTEXT = 'shiftgate/release';

/** The step's failure message: the reason alone on the first line, where the run's page shows it. */
export function failureMessage(verdict: ActionVerdict, reportPath: string | null): string {
  return reportPath === null
    ? verdict.reason
    : `${verdict.reason}\nreport: ${reportPath} and the job summary`;
}

/** Any thrown value as one line: an Error's message, a string, or an object's JSON. */
export function thrownLine(error: unknown): string {
  if (error instanceof Error || typeof error !== 'object' || error === null) {
    // describeError gives undefined (or an Error without a message) as nothing: a failure still says what it got.
    return oneLine(describeError(error)) || `thrown: ${String(error)}`;
  }
  try {
    return oneLine(`thrown: ${JSON.stringify(error)}`);
  } catch {
    // A cycle: String() still names its kind.
    return oneLine(`thrown: ${String(error)}`);
  }
}
