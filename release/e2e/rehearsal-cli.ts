/**
 * Runs `npm run release:local` as a person runs it (node with tsx, the CLI's own entry point), each rehearsal in a
 * state directory of its own, and reads back what it left: the report JSON, `--status`, and the platform itself
 * through LocalPlatform.connect.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROVISIONED_CONCURRENCY_TARGET_UTILIZATION } from '../../infra/config/stages.ts';
import { type CommandRun, removeStateDir, runCollecting } from '../../loadtest/src/local-platform-target.ts';
import { LocalPlatform } from '../../platform/src/local/local-platform.ts';
import { REHEARSAL_TRAFFIC_RPS } from '../src/plan.ts';
import { rehearsalPlatformSize } from '../src/rehearsal/platform-size.ts';
import type { ReleaseReport, ReportStep } from '../src/report.ts';

const CLI = ['--import', 'tsx', 'release/src/cli/release-local.ts'];

/** A short plan, so that a rehearsal takes seconds of bake rather than the default's half minute per step. */
export const SHORT_PLAN = ['--plan', '50,100', '--bake', '3s'] as const;

/** The size every rehearsal's platform starts with. */
const REHEARSAL_SIZE = rehearsalPlatformSize(REHEARSAL_TRAFFIC_RPS);

/** The scaling target `start` registered on live: what a release, however it ends, must put back exactly. */
export const STARTED_SCALING = {
  qualifier: 'live',
  minCapacity: REHEARSAL_SIZE.pc,
  maxCapacity: REHEARSAL_SIZE.maxConcurrency,
  targetUtilization: PROVISIONED_CONCURRENCY_TARGET_UTILIZATION,
  suspendedState: {
    dynamicScalingInSuspended: false,
    dynamicScalingOutSuspended: false,
    scheduledScalingSuspended: false,
  },
};

export interface Rehearsal {
  readonly stateDir: string;
  /** `npm run release:local -- …args` with this rehearsal's state directory. */
  run(...args: string[]): Promise<CommandRun>;
  /** The report a run wrote to its default place. */
  report(): Promise<ReleaseReport>;
  /** `--status`'s stdout, parsed. */
  status(): Promise<unknown>;
  /** The platform itself, while it runs. */
  platform(): Promise<LocalPlatform>;
  /** Stops whatever still runs and removes the state directory. */
  dispose(): Promise<void>;
}

/** The CLI with `stateDir` as its state directory; CI=true, as .ci/run runs it (plain progress lines). */
const runCli = (stateDir: string, args: readonly string[]): Promise<CommandRun> =>
  runCollecting(process.execPath, [...CLI, ...args], {
    env: { SHIFTGATE_REHEARSAL_DIR: stateDir, CI: 'true' },
  });

export async function newRehearsal(): Promise<Rehearsal> {
  const stateDir = await mkdtemp(join(tmpdir(), 'shiftgate-rehearsal-'));
  const run = (...args: string[]) => runCli(stateDir, args);
  return {
    stateDir,
    run,
    report: async () => JSON.parse(await readFile(join(stateDir, 'report.json'), 'utf8')) as ReleaseReport,
    status: async () => {
      const status = await run('--status');
      if (status.code !== 0) throw new Error(`--status failed (${status.code}): ${status.stderr}`);
      return JSON.parse(status.stdout);
    },
    platform: () => LocalPlatform.connect(stateDir),
    dispose: async () => {
      await run('--stop');
      await removeStateDir(stateDir);
    },
  };
}

/** What a run said, for a failed assertion's message. */
export const said = (run: CommandRun) =>
  `exit ${run.code ?? run.signal}\n--- stderr (last 40 lines)\n${run.stderr.trimEnd().split('\n').slice(-40).join('\n')}`;

/** A judged bake's checks, one a line, failed ones marked, with both versions' figures. */
const bakeOf = (step: ReportStep) =>
  [
    `${step.phase} ${step.index} (${step.weight * 100} %): ${step.decision}`,
    ...step.checks.map(
      (check) =>
        `  ${check.passed ? 'ok  ' : 'FAIL'} ${check.name} (${check.against}) ${check.objective}, measured ` +
        `${check.measured ?? 'nothing'}${check.reason === null ? '' : `: ${check.reason}`}`,
    ),
    `  candidate ${JSON.stringify(step.candidate)}`,
    `  stable ${JSON.stringify(step.stable)}`,
  ].join('\n');

/**
 * Why a report ended as it did, for a failed outcome assertion's message, so that a flake can be diagnosed from
 * the CI log alone: its reasons, the failed pre-traffic test, the failing bake's checks (or the last bake's, when
 * none failed) with the candidate's figures, and the status codes production got (5xx, throttles).
 */
export function explained(report: ReleaseReport): string {
  const bake = report.steps.find((step) => step.decision === 'fail') ?? report.steps.at(-1);
  const pretraffic = report.pretraffic;
  return [
    `outcome ${report.outcome} in ${report.state}: ${report.reasons.join('; ') || 'no reasons'}`,
    ...(pretraffic !== null && !pretraffic.passed ? [`pre-traffic test failed: ${pretraffic.reason}`] : []),
    bake === undefined ? 'no judged bake' : bakeOf(bake),
    `candidate through live: ${report.candidateRequests} requests, ${report.candidateErrors} errors`,
    `production status counts: ${JSON.stringify(report.production?.statusCounts ?? null)}`,
  ].join('\n');
}
