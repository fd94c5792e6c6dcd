/**
 * `npm run release:local`: the whole release on this machine. A fresh rehearsal builds this commit once, starts a
 * local platform with it as version 1 on live (with provisioned concurrency), publishes the same build with the
 * injected faults as version 2, sends production traffic through live, runs the release, writes the report and
 * stops the platform. `--resume` and `--abort` carry on or roll back a release a crash cut off, with the
 * production traffic started again; `--status` prints live's alias; `--stop` ends the platform.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import { warmEnvironments } from '../../../loadtest/src/local-platform-target.ts';
import { findDaemon } from '../../../platform/src/daemon-process.ts';
import { LOCAL_FUNCTION_NAME } from '../../../platform/src/local/lambda-metrics.ts';
import { LocalPlatform } from '../../../platform/src/local/local-platform.ts';
import { markdownPathFor } from '../cli/release-args.ts';
import { EXIT_CODES, type FreezeStatus } from '../model.ts';
import { abortRelease, releaseStatus, resumeRelease, startRelease } from '../orchestrator.ts';
import { REHEARSAL_PLAN, REHEARSAL_TRAFFIC_RPS } from '../plan.ts';
import type { ReleaseProgressSink } from '../ports.ts';
import { streamProgress } from '../progress.ts';
import { type ReleaseReport, releaseReportJson } from '../report.ts';
import { renderReleaseMarkdown } from '../report-markdown.ts';
import { rollbackLive } from '../rollback.ts';
import {
  keepBudgetReport,
  keptBudgetFreeze,
  readBudgetFreeze,
  UNCHECKED_LOCAL_FREEZE,
} from './budget-freeze.ts';
import {
  buildContext,
  contextDirOf,
  deployCandidate,
  startPlatform,
  stopPlatform,
} from './platform-commands.ts';
import { rehearsalPlatformSize } from './platform-size.ts';
import { type RunningTraffic, startProductionTraffic } from './production-traffic.ts';
import { REHEARSAL_USAGE, type RehearsalCommand, type ReportOptions } from './rehearsal-args.ts';
import { rehearsalIo } from './rehearsal-io.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const REHEARSAL_DIR_VARIABLE = 'SHIFTGATE_REHEARSAL_DIR';
export const DEFAULT_REHEARSAL_DIR = join(REPO_ROOT, '.shiftgate', 'rehearsal');

/** What runs a rehearsal command: where its platform lives, and where its lines go. */
export interface RehearsalContext {
  /** The platform's state directory, which --resume, --abort, --status and --stop find it by. */
  readonly stateDir: string;
  readonly progress: ReleaseProgressSink;
  readonly stdout: (text: string) => void;
}

/** Who holds the release lock, for a human reading --status. */
const holder = () => `release:local on ${hostname()} (pid ${process.pid})`;

/** The platform of a rehearsal already begun; a clear error when none runs. */
async function connect(stateDir: string, progress: ReleaseProgressSink): Promise<LocalPlatform | null> {
  const running = await findDaemon(stateDir, (line) => progress.step(line));
  if (running === null) return null;
  if (!running.answering) {
    throw new Error(
      `the rehearsal platform of ${stateDir} (pid ${running.info.pid}) runs but does not answer: end it with ` +
        'npm run release:local -- --stop',
    );
  }
  return new LocalPlatform(running.info.controlUrl);
}

async function requirePlatform(context: RehearsalContext, command: string): Promise<LocalPlatform> {
  const platform = await connect(context.stateDir, context.progress);
  if (platform === null) {
    throw new Error(
      `${command}: no rehearsal platform runs for ${context.stateDir}; start a rehearsal with npm run release:local`,
    );
  }
  return platform;
}

/**
 * The release's report with what production saw, written (JSON, Markdown beside it) and shown; its outcome's exit
 * code, the platform stopped unless kept. A report without an outcome (the release returned before it was done)
 * is a failure, exit 1, and the platform keeps running for --resume or --abort.
 */
async function finish(
  context: RehearsalContext,
  released: ReleaseReport,
  traffic: RunningTraffic,
  options: ReportOptions,
): Promise<number> {
  // The orchestrator's report is the journal's; what production saw is this rehearsal's own measurement.
  const report: ReleaseReport = { ...released, production: await traffic.stop() };
  const out = options.out ?? join(context.stateDir, 'report.json');
  const markdown = renderReleaseMarkdown(report);
  await writeFileAtomic(out, releaseReportJson(report));
  await writeFileAtomic(markdownPathFor(out), markdown);
  context.progress.step(`report: ${out} and ${markdownPathFor(out)}`);
  context.stdout(`${markdown}\n`);
  if (report.outcome === null) {
    throw new Error(
      `release ${report.releaseId} returned before it finished (${report.state}); its platform keeps running: ` +
        'npm run release:local -- --resume or --abort',
    );
  }
  await stopUnlessKept(context, options);
  return EXIT_CODES[report.outcome];
}

async function stopUnlessKept(context: RehearsalContext, options: ReportOptions): Promise<void> {
  if (options.keepPlatform) {
    context.progress.step(
      `the platform keeps running (--keep-platform): npm run release:local -- --stop ends it`,
    );
    return;
  }
  context.progress.step('stopping the platform');
  await stopPlatform(context.stateDir);
}

function startTraffic(context: RehearsalContext, liveUrl: string): RunningTraffic {
  const traffic = startProductionTraffic(liveUrl, REHEARSAL_TRAFFIC_RPS);
  context.progress.step(
    `production traffic started: ${REHEARSAL_TRAFFIC_RPS} req/s through live (${liveUrl})`,
  );
  return traffic;
}

/**
 * A release that threw (not an outcome: the platform or this machine failed) leaves its platform running with
 * the alias and the record as they were, so that --resume or --abort can end it, as after a crash.
 */
async function whileTrafficFlows<T>(
  context: RehearsalContext,
  traffic: RunningTraffic,
  release: () => Promise<T>,
) {
  try {
    return await release();
  } catch (error) {
    await traffic.stop().catch(() => {});
    context.progress.step(
      `the release failed; the platform keeps running for npm run release:local -- --resume or --abort (--stop ends it)`,
    );
    throw error;
  }
}

async function rehearse(
  context: RehearsalContext,
  command: Extract<RehearsalCommand, { kind: 'rehearse' }>,
): Promise<number> {
  const { stateDir, progress } = context;
  // Read first: a bad --budget-report changes nothing.
  const freeze: FreezeStatus = await readBudgetFreeze(command.budgetReport);
  progress.step(`stopping any platform left in ${stateDir}`);
  await stopPlatform(stateDir);
  const contextDir = contextDirOf(stateDir);
  progress.step(`building this commit's image context into ${contextDir}`);
  await buildContext(contextDir);
  const size = rehearsalPlatformSize(REHEARSAL_TRAFFIC_RPS);
  progress.step(
    `starting the platform: version 1 on live with provisioned concurrency ${size.pc}, concurrency limit ` +
      `${size.maxConcurrency}`,
  );
  const liveUrl = await startPlatform(stateDir, contextDir, size);
  let candidate: string;
  try {
    candidate = await deployCandidate(stateDir, contextDir, command.faults);
  } catch (error) {
    await stopPlatform(stateDir).catch(() => {});
    throw error;
  }
  const faults = command.faults.length === 0 ? 'no fault' : `faults ${command.faults.join(', ')}`;
  progress.step(`version ${candidate} published from the same build, ${faults}`);
  progress.step(`warming live's ${size.pc} provisioned environments, as production has`);
  try {
    await warmEnvironments(liveUrl, size.pc);
  } catch (error) {
    await stopPlatform(stateDir).catch(() => {});
    throw new Error(
      'version 1 on live failed its warm-up, so a release would be judged against a broken stable: see the ' +
        `platform's logs in ${stateDir}`,
      { cause: error },
    );
  }
  await keepBudgetReport(stateDir, command.budgetReport);
  const platform = await LocalPlatform.connect(stateDir);
  const traffic = startTraffic(context, liveUrl);
  const io = rehearsalIo(platform, { freeze: async () => freeze, crashAt: command.crashAt, progress });
  const released = await whileTrafficFlows(context, traffic, () =>
    startRelease(io, {
      functionName: LOCAL_FUNCTION_NAME,
      candidate,
      plan: command.plan,
      modelChange: command.modelChange,
      overrideFreeze: command.overrideFreeze,
      holder: holder(),
      releaseId: `rehearsal-${new Date().toISOString().replaceAll(/[:.]/g, '-')}`,
    }),
  );
  return finish(context, released, traffic, command);
}

/**
 * --resume and --abort: the release that holds the lock, carried on or rolled back with production flowing again;
 * --rollback: that abort, or with no release running live moved back to the version before the last promotion.
 */
async function endCutOff(
  context: RehearsalContext,
  command: Extract<RehearsalCommand, { kind: 'resume' | 'abort' | 'rollback' }>,
): Promise<number> {
  const { progress } = context;
  const platform = await connect(context.stateDir, progress);
  if (platform === null && command.kind === 'abort') {
    progress.step(`nothing to abort: no rehearsal platform runs for ${context.stateDir}`);
    return 0;
  }
  const running = platform ?? (await requirePlatform(context, `--${command.kind}`));
  const traffic = startTraffic(context, await running.liveUrl());
  // Read only if the release resumes in preflight; one that cannot be read refuses it (unless the release was
  // started with --override-freeze, which the journal keeps), as on AWS.
  const freeze = () => keptBudgetFreeze(context.stateDir);
  const io = rehearsalIo(running, { freeze, crashAt: null, progress });
  const released = await whileTrafficFlows(context, traffic, () => {
    switch (command.kind) {
      case 'resume':
        return resumeRelease(io, holder());
      case 'abort':
        return abortRelease(io, 'aborted with npm run release:local -- --abort', holder());
      case 'rollback':
        return rollbackLive(io, {
          functionName: LOCAL_FUNCTION_NAME,
          to: null,
          reason: command.reason,
          plan: REHEARSAL_PLAN,
          holder: holder(),
        });
    }
  });
  if (released === null) {
    await traffic.stop();
    await stopUnlessKept(context, command);
    return 0;
  }
  return finish(context, released, traffic, command);
}

/** live's alias as JSON on stdout, exactly {"version","weights"}; where the release stands on stderr. */
async function status(context: RehearsalContext): Promise<number> {
  const platform = await requirePlatform(context, '--status');
  const io = rehearsalIo(platform, {
    freeze: async () => UNCHECKED_LOCAL_FREEZE,
    crashAt: null,
    progress: context.progress,
  });
  const { alias, lock, report } = await releaseStatus(io);
  context.stdout(`${JSON.stringify({ version: alias.version, weights: alias.weights })}\n`);
  const release =
    report === null
      ? 'no release has run on this platform'
      : `release ${report.releaseId}: ${report.outcome ?? 'not finished'}, ${report.state}`;
  const held =
    lock === null
      ? 'the release lock is free'
      : `the release lock is held by ${lock.releaseId} (${lock.holder})`;
  context.progress.step(`${release}; ${held}`);
  return 0;
}

export async function runRehearsalCommand(
  context: RehearsalContext,
  command: RehearsalCommand,
): Promise<number> {
  switch (command.kind) {
    case 'rehearse':
      return rehearse(context, command);
    case 'resume':
    case 'abort':
    case 'rollback':
      return endCutOff(context, command);
    case 'status':
      return status(context);
    case 'stop':
      await stopPlatform(context.stateDir);
      return 0;
    case 'help':
      context.stdout(`${REHEARSAL_USAGE}\n`);
      return 0;
  }
}

export const rehearsalProgress = () => streamProgress(process.stderr, process.env, 'release:local');
