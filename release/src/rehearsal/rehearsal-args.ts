/**
 * `npm run release:local`'s command line. Pure: argv in, one validated command out, so that a typo in a fault, a
 * plan or a state is refused before a platform is started or a release is touched.
 */
import { parseArgs } from 'node:util';
import { parseFaults } from '../../../platform/src/local/faults.ts';
import { CRASH_STATES } from '../machine.ts';
import type { ReleasePlan } from '../model.ts';
import { planWith, REHEARSAL_PLAN } from '../plan.ts';

export type CrashState = (typeof CRASH_STATES)[number];

/** Where the report goes and whether the platform outlives the command: what every command that ends a release takes. */
export interface ReportOptions {
  /** --out: the report JSON; null for the state directory's report.json. */
  readonly out: string | null;
  readonly keepPlatform: boolean;
}

export type RehearsalCommand =
  | (ReportOptions & {
      readonly kind: 'rehearse';
      /** --inject values for version 2, each checked (several may share one value, comma-separated). */
      readonly faults: readonly string[];
      readonly plan: ReleasePlan;
      readonly crashAt: CrashState | null;
      /** --budget-report: an slo:report JSON to check the freeze with; null leaves it unchecked. */
      readonly budgetReport: string | null;
      /** --override-freeze: why the release goes although the budget is spent; null when none is given. */
      readonly overrideFreeze: string | null;
      /** --model-change: drift beyond the tolerance is reported, not a reason to stop. */
      readonly modelChange: boolean;
    })
  | (ReportOptions & { readonly kind: 'resume' })
  | (ReportOptions & { readonly kind: 'abort' })
  /** --rollback REASON: npm run release -- rollback on the platform left running. */
  | (ReportOptions & { readonly kind: 'rollback'; readonly reason: string })
  | { readonly kind: 'status' }
  | { readonly kind: 'stop' }
  | { readonly kind: 'help' };

export const REHEARSAL_USAGE = `usage: npm run release:local -- [--inject FAULT]... [--plan STEPS] [--bake DURATION] [--out FILE]
                               [--keep-platform] [--crash-at STATE] [--budget-report FILE]
                               [--override-freeze REASON] [--model-change]
       npm run release:local -- --resume|--abort [--out FILE] [--keep-platform]
       npm run release:local -- --rollback REASON [--out FILE] [--keep-platform]
       npm run release:local -- --status|--stop
  (none)      the whole release on a local platform: this commit as version 1 on live, the same build with the
              faults as version 2, production traffic through live, the release, the report; the platform stops after
  --inject    a fault for version 2: slow=100ms, errors=5%, crash-after=N, init-fail, each optionally @live
  --plan      the steps in percent, e.g. 10,50,100 or 10:30s,50:1m,100:30s (default ${REHEARSAL_PLAN.steps.map((step) => step.weight * 100).join(',')})
  --bake      each step's bake, e.g. 3s (default ${(REHEARSAL_PLAN.steps[0]?.bakeMs ?? 0) / 1000}s)
  --crash-at  SIGKILL the release on entering STATE: ${CRASH_STATES.join(', ')}; the platform keeps running
  --budget-report  an npm run slo:report JSON: refuse while its error budget is overspent (unchecked without it);
                   --resume checks the one the rehearsal started with again
  --override-freeze REASON  release although that budget is spent; REASON goes into the record and the report
  --model-change   the model changed on purpose: predictions that drift beyond the tolerance do not stop it
  --resume    carry on the release a crash cut off; --abort rolls it back; --status prints live's alias;
  --rollback  on the platform left running: abort the release a crash cut off, or, with none, move live back to
              the version before the last promoted release (after a rehearsal with --keep-platform)
  --stop      ends a platform left running (--keep-platform, or a crash)
the state directory is .shiftgate/rehearsal, or $SHIFTGATE_REHEARSAL_DIR`;

const OPTIONS = {
  inject: { type: 'string', multiple: true },
  plan: { type: 'string' },
  bake: { type: 'string' },
  out: { type: 'string' },
  'keep-platform': { type: 'boolean' },
  'crash-at': { type: 'string' },
  'budget-report': { type: 'string' },
  'override-freeze': { type: 'string' },
  'model-change': { type: 'boolean' },
  resume: { type: 'boolean' },
  abort: { type: 'boolean' },
  rollback: { type: 'string' },
  status: { type: 'boolean' },
  stop: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Option = keyof typeof OPTIONS;
type Mode = RehearsalCommand['kind'];

const MODES = ['resume', 'abort', 'rollback', 'status', 'stop', 'help'] as const satisfies readonly Option[];

/** The options each command takes: one given to a command that does not take it is refused, never ignored. */
const MODE_OPTIONS: Readonly<Record<Mode, readonly Option[]>> = {
  rehearse: [
    'inject',
    'plan',
    'bake',
    'out',
    'keep-platform',
    'crash-at',
    'budget-report',
    'override-freeze',
    'model-change',
  ],
  resume: ['out', 'keep-platform'],
  abort: ['out', 'keep-platform'],
  rollback: ['out', 'keep-platform'],
  status: [],
  stop: [],
  help: [],
};

const flags = (options: readonly string[]) => options.map((option) => `--${option}`).join(', ');

function crashStateOf(value: string | undefined): CrashState | null {
  if (value === undefined) return null;
  if (!(CRASH_STATES as readonly string[]).includes(value)) {
    throw new Error(
      `--crash-at ${value} is not a state the release enters: give one of ${CRASH_STATES.join(', ')}`,
    );
  }
  return value as CrashState;
}

function overrideReasonOf(reason: string | undefined): string | null {
  if (reason === undefined) return null;
  if (reason.trim() === '') {
    throw new Error(
      '--override-freeze needs a reason, recorded with the release: --override-freeze "rehearsing a hotfix"',
    );
  }
  return reason.trim();
}

export function parseRehearsalArgs(argv: readonly string[]): RehearsalCommand {
  const { values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  const modes = MODES.filter((mode) => values[mode] !== undefined && values[mode] !== false);
  if (modes.length > 1) throw new Error(`${flags(modes)} are different commands: give one of them`);
  const mode: Mode = modes[0] ?? 'rehearse';
  const given = (Object.keys(values) as Option[]).filter((option) => option !== mode);
  const refused = given.filter((option) => !MODE_OPTIONS[mode].includes(option));
  if (refused.length > 0) {
    const takes = MODE_OPTIONS[mode].length === 0 ? 'no other option' : flags(MODE_OPTIONS[mode]);
    const name = mode === 'rehearse' ? 'a rehearsal' : `--${mode}`;
    throw new Error(`${name} does not take ${flags(refused)}: it takes ${takes}`);
  }
  const report = { out: values.out ?? null, keepPlatform: values['keep-platform'] ?? false };
  switch (mode) {
    case 'status':
    case 'stop':
    case 'help':
      return { kind: mode };
    case 'resume':
    case 'abort':
      return { kind: mode, ...report };
    case 'rollback': {
      const reason = values.rollback?.trim() ?? '';
      if (reason === '') {
        throw new Error(
          '--rollback needs a reason, recorded with the rollback: --rollback "rehearsing a bad deploy"',
        );
      }
      return { kind: mode, ...report, reason };
    }
    case 'rehearse': {
      const faults = values.inject ?? [];
      parseFaults(faults);
      return {
        kind: 'rehearse',
        ...report,
        faults,
        plan: planWith(REHEARSAL_PLAN, {
          ...(values.plan === undefined ? {} : { steps: values.plan }),
          ...(values.bake === undefined ? {} : { bake: values.bake }),
        }),
        crashAt: crashStateOf(values['crash-at']),
        budgetReport: values['budget-report'] ?? null,
        overrideFreeze: overrideReasonOf(values['override-freeze']),
        modelChange: values['model-change'] ?? false,
      };
    }
  }
}
