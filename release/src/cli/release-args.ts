/**
 * `npm run release`'s command line, pure: argv and environment in, one validated command out, or a UsageError
 * (exit 2) naming the flag, the value and the fix. The plan is AWS_PLAN with --plan and --bake applied.
 */
import { parseArgs } from 'node:util';
import { SLO_ENV } from '../../../slo/src/slo-env.ts';
import type { ReleasePlan } from '../model.ts';
import { AWS_PLAN, planWith } from '../plan.ts';

/** Where the release's AWS settings come from when no flag gives them. */
export const RELEASE_ENV = {
  recordTable: 'SHIFTGATE_RELEASE_TABLE',
  pageAlarms: 'SHIFTGATE_PAGE_ALARMS',
  stage: SLO_ENV.stage,
} as const;

export const RELEASE_COMMANDS = ['start', 'status', 'resume', 'abort', 'rollback'] as const;
export type ReleaseCommandName = (typeof RELEASE_COMMANDS)[number];

export const RELEASE_USAGE = `usage: npm run release -- [start] --function NAME --candidate VERSION [--plan 10,50,100] [--bake 5m]
                          [--model-change] [--override-freeze REASON] [--out report.json] [AWS options]
       npm run release -- status|resume --function NAME [--out report.json] [AWS options]
       npm run release -- abort --function NAME [--reason TEXT] [--out report.json] [AWS options]
       npm run release -- rollback --function NAME --reason TEXT [--to VERSION] [--out report.json] [AWS options]
  start      release VERSION onto the function's live alias step by step (the default command)
  status     live's state, who holds the release lock, and the report of the current (or last) release
  resume     carry on the release that holds the lock from the state its journal last recorded
  abort      roll the release that holds the lock back to live on one version; nothing when none runs
  rollback   abort the release that holds the lock; with none, move live back to the version before the last
             promoted release (or --to VERSION) with its provisioned concurrency handed over
  --to       the published version rollback puts live on, instead of the last promoted release's stable one
  --plan     live's share at each step, in percent, the last 100 (the promotion); 10:30s,50:2m,100:5m gives
             each step its own bake
  --bake     how long each step bakes (when --plan names none); the last step's bake is the watch window
  --model-change   the model changed on purpose: predictions that drift beyond the tolerance do not stop it
  --override-freeze REASON   release although the error budget is spent (or cannot be read); REASON is recorded
  --out      write the report JSON there (atomically) and its Markdown beside it (.md); Markdown goes to stdout
AWS options (the flag, else its environment variable):
  --region R          AWS region (default: the SDK's, e.g. AWS_REGION)
  --record-table T    the release record's DynamoDB table, the stack's ReleaseTableName (${RELEASE_ENV.recordTable})
  --stage S           the stage the service's metrics are published under, e.g. prod (${RELEASE_ENV.stage})
  --page-alarms A,B   the page-severity composite alarms that roll a release back (${RELEASE_ENV.pageAlarms});
                      start and resume need them, or --no-page-alarms
  --no-page-alarms    release without checking page alarms: the report says so on every step
Exit codes: 0 promoted, already-live (the candidate already served all of live: nothing to release), reverted
(rollback put live back) or status / nothing to abort, 3 rolled back, 4 stopped before traffic, 5 refused, 1 a
crash or an AWS failure (resume or abort then), 2 a usage error.`;

/** A command line that cannot be run: exit code 2 with the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface AwsSettings {
  readonly functionName: string;
  readonly region: string | undefined;
  readonly recordTable: string;
  readonly stage: string;
  /**
   * The page alarms a bake checks; null with --no-page-alarms. start and resume need one or the other; status and
   * abort judge nothing, so they take none (empty).
   */
  readonly pageAlarms: readonly string[] | null;
}

export type ReleaseCommand =
  | { readonly command: 'help' }
  | {
      readonly command: 'start';
      readonly aws: AwsSettings;
      readonly out: string | null;
      readonly candidate: string;
      readonly plan: ReleasePlan;
      readonly modelChange: boolean;
      readonly overrideFreeze: string | null;
    }
  | { readonly command: 'status' | 'resume'; readonly aws: AwsSettings; readonly out: string | null }
  | {
      readonly command: 'abort';
      readonly aws: AwsSettings;
      readonly out: string | null;
      readonly reason: string;
    }
  | {
      readonly command: 'rollback';
      readonly aws: AwsSettings;
      readonly out: string | null;
      readonly reason: string;
      /** null: the stable version of the last promoted release in the record. */
      readonly to: string | null;
      /** AWS_PLAN: its warmTimeoutMs bounds the handover's waits. */
      readonly plan: ReleasePlan;
    };

/** The flags only `start` takes. */
const START_ONLY = ['candidate', 'plan', 'bake', 'model-change', 'override-freeze'] as const;

type Env = Readonly<Record<string, string | undefined>>;

function fromEnv(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function required(value: string | undefined, flag: string, fix: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`missing ${flag}: ${fix}`);
  return value.trim();
}

export function parseReleaseArgs(argv: readonly string[], env: Env): ReleaseCommand {
  let parsed: ReturnType<typeof parseWith>;
  try {
    parsed = parseWith(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { command: 'help' };
  if (positionals.length > 1) {
    throw new UsageError(`one command at a time, got ${positionals.join(' ')}`);
  }
  const name = positionals[0] ?? 'start';
  if (!(RELEASE_COMMANDS as readonly string[]).includes(name)) {
    throw new UsageError(`unknown command '${name}': use one of ${RELEASE_COMMANDS.join(', ')}`);
  }
  const command = name as ReleaseCommandName;
  if (command !== 'start') {
    const misplaced = START_ONLY.filter((flag) => values[flag] !== undefined && values[flag] !== false);
    if (misplaced.length > 0) {
      throw new UsageError(`${misplaced.map((f) => `--${f}`).join(', ')} only go with start, not ${command}`);
    }
  }
  if (command !== 'abort' && command !== 'rollback' && values.reason !== undefined) {
    throw new UsageError(`--reason goes with abort or rollback, not ${command}`);
  }
  if (command !== 'rollback' && values.to !== undefined) {
    throw new UsageError(`--to goes with rollback, not ${command}`);
  }
  const aws = awsSettings(values, env);
  if ((command === 'start' || command === 'resume') && aws.pageAlarms?.length === 0) {
    throw new UsageError(
      `missing --page-alarms (or ${RELEASE_ENV.pageAlarms}): name the page-severity composite alarms that roll ` +
        'the release back, e.g. --page-alarms predictor-page, or release with --no-page-alarms to go without them',
    );
  }
  const out = values.out ?? null;
  if (out !== null && out.trim() === '')
    throw new UsageError('--out is empty: name the report file, e.g. report.json');
  switch (command) {
    case 'start':
      return {
        command,
        aws,
        out,
        candidate: candidateOf(values.candidate),
        plan: planOf(values.plan, values.bake),
        modelChange: values['model-change'] === true,
        overrideFreeze: overrideOf(values['override-freeze']),
      };
    case 'abort':
      return { command, aws, out, reason: values.reason?.trim() || 'aborted from the command line' };
    case 'rollback':
      return {
        command,
        aws,
        out,
        reason: required(
          values.reason,
          '--reason',
          'say why live goes back; it is recorded with the rollback',
        ),
        to: values.to === undefined ? null : versionOf(values.to, '--to'),
        plan: AWS_PLAN,
      };
    default:
      return { command, aws, out };
  }
}

function parseWith(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      function: { type: 'string' },
      candidate: { type: 'string' },
      plan: { type: 'string' },
      bake: { type: 'string' },
      'model-change': { type: 'boolean' },
      'override-freeze': { type: 'string' },
      out: { type: 'string' },
      reason: { type: 'string' },
      to: { type: 'string' },
      region: { type: 'string' },
      'record-table': { type: 'string' },
      stage: { type: 'string' },
      'page-alarms': { type: 'string' },
      'no-page-alarms': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

type Values = ReturnType<typeof parseWith>['values'];

function awsSettings(values: Values, env: Env): AwsSettings {
  if (values['no-page-alarms'] === true && values['page-alarms'] !== undefined) {
    throw new UsageError('--page-alarms and --no-page-alarms contradict each other: give one');
  }
  const alarms = values['page-alarms'] ?? fromEnv(env, RELEASE_ENV.pageAlarms) ?? '';
  return {
    functionName: required(
      values.function,
      '--function',
      'name the Lambda function whose live alias to release',
    ),
    region: values.region,
    recordTable: required(
      values['record-table'] ?? fromEnv(env, RELEASE_ENV.recordTable),
      `--record-table (or ${RELEASE_ENV.recordTable})`,
      "name the release record's DynamoDB table: the stack's ReleaseTableName output",
    ),
    stage: required(
      values.stage ?? fromEnv(env, RELEASE_ENV.stage),
      `--stage (or ${RELEASE_ENV.stage})`,
      "name the stage the service's metrics are published under, e.g. prod",
    ),
    // The flag is the operator's word for this run: it wins over an alarm list in the environment.
    pageAlarms:
      values['no-page-alarms'] === true
        ? null
        : alarms
            .split(',')
            .map((alarm) => alarm.trim())
            .filter((alarm) => alarm !== ''),
  };
}

function candidateOf(candidate: string | undefined): string {
  return versionOf(
    required(candidate, '--candidate', 'name the published version to release, e.g. --candidate 7'),
    '--candidate',
  );
}

function versionOf(text: string, flag: string): string {
  const version = text.trim();
  // A published version is a number; $LATEST and aliases cannot be released onto an alias with weights.
  if (!/^[1-9]\d*$/.test(version)) {
    throw new UsageError(`${flag} '${version}' is not a published version number: give one, e.g. ${flag} 7`);
  }
  return version;
}

function planOf(steps: string | undefined, bake: string | undefined): ReleasePlan {
  try {
    return planWith(AWS_PLAN, {
      ...(steps === undefined ? {} : { steps }),
      ...(bake === undefined ? {} : { bake }),
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function overrideOf(reason: string | undefined): string | null {
  if (reason === undefined) return null;
  if (reason.trim() === '') {
    throw new UsageError(
      '--override-freeze needs a reason, recorded with the release: --override-freeze "hotfix for #123"',
    );
  }
  return reason.trim();
}

/** report.json -> report.md; any other name gets .md added. */
export function markdownPathFor(out: string): string {
  return out.endsWith('.json') ? `${out.slice(0, -'.json'.length)}.md` : `${out}.md`;
}
