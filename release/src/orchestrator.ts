/**
 * The release's imperative shell around its pure core: take the lock, journal each state BEFORE performing it
 * (every change to the platform is announced in the journal before it is made), perform it (I/O), journal what it
 * observed, and ask machine.ts for the next state, until done; then the report from the journal alone. A process
 * cut off anywhere leaves the lock held with a journal that says where it stood: `resume` re-enters the last
 * state (each state's action reads the platform first, so it is safe to perform twice), `abort` rolls back.
 */
import {
  type AliasState,
  JournalConflictError,
  LIVE_ALIAS,
  type ReleaseLock,
  ReleaseLockedError,
  ReleaseLockNotHeldError,
} from '../../platform/src/port.ts';
import { entry, replay } from './journal.ts';
import { abortState, next, stateLabel } from './machine.ts';
import type { Observation, Outcome, ReleasePlan, ReleaseStarted, ReleaseState } from './model.ts';
import { perform } from './perform.ts';
import type { ReleaseIo } from './ports.ts';
import { ReleaseRun } from './release-run.ts';
import { buildReleaseReport, type ReleaseReport } from './report.ts';

export interface StartRequest {
  functionName: string;
  candidate: string;
  plan: ReleasePlan;
  modelChange: boolean;
  overrideFreeze: string | null;
  holder: string;
  releaseId?: string;
}

/** `<function>-<candidate>-<time>`: unique per start, and it says what it released when read in `status`. */
function newReleaseId(request: StartRequest, now: Date): string {
  return `${request.functionName}-${request.candidate}-${now.toISOString().replace(/[:.]/g, '-')}`;
}

export async function startRelease(io: ReleaseIo, request: StartRequest): Promise<ReleaseReport> {
  const store = io.platform.releaseRecord;
  const alias = await io.platform.readAlias();
  const releaseId = request.releaseId ?? newReleaseId(request, io.now());
  const started: ReleaseStarted = {
    releaseId,
    functionName: request.functionName,
    candidate: request.candidate,
    stable: alias.version,
    plan: request.plan,
    livePc: (await io.platform.provisionedConcurrency(LIVE_ALIAS))?.requested ?? 0,
    modelChange: request.modelChange,
    overrideFreeze: request.overrideFreeze,
    holder: request.holder,
    startedAt: io.now().toISOString(),
  };
  try {
    await store.acquireLock(releaseId, request.holder);
  } catch (error) {
    if (!(error instanceof ReleaseLockedError)) throw error;
    io.progress.step(`refused: ${error.message}`);
    return lockedOutReport(started, error, io.now());
  }
  const journal = await store.journal();
  const run = new ReleaseRun(io, started, {
    entries: [],
    nextSequence: (journal.at(-1)?.sequence ?? 0) + 1,
    scaling: { saved: false },
  });
  await run.record('started', started);
  io.progress.step(
    `release ${releaseId}: ${request.candidate} onto live (now ${alias.version}), ${describePlan(request.plan)}`,
  );
  return drive(run, { name: 'preflight' });
}

/**
 * A release that could not take the lock cannot write the journal (the holder alone does), so its report is built
 * from the entries it would have written: it refused at preflight, and changed nothing.
 */
function lockedOutReport(started: ReleaseStarted, error: ReleaseLockedError, now: Date): ReleaseReport {
  const reason = error.message;
  const state: ReleaseState = { name: 'preflight' };
  const observation: Observation = { kind: 'preflight', proceed: false, reason };
  return unwrittenReport(
    [
      entry(started.releaseId, 'started', started),
      entry(started.releaseId, 'state', { state }),
      entry(started.releaseId, 'observed', { state, observation }),
      entry(started.releaseId, 'finished', { outcome: 'refused', reasons: [reason] }),
    ],
    now,
  );
}

/** The report of a run refused before it could write: from the entries it would have written. */
export function unwrittenReport(unwritten: readonly ReturnType<typeof entry>[], now: Date): ReleaseReport {
  const at = now.toISOString();
  return buildReleaseReport(unwritten.map((e, index) => ({ ...e, sequence: index + 1, at })));
}

/** Carries on the release that holds the lock (read from the record); throws "no release to resume" when none. */
export async function resumeRelease(io: ReleaseIo, holder: string): Promise<ReleaseReport> {
  const found = await heldRelease(io);
  if (found === null) throw new Error('no release to resume: the release lock is free');
  const { lock, run } = found;
  if (run === null) {
    throw new Error(
      `no release to resume: release ${lock.releaseId} took the lock but was cut off before it wrote anything ` +
        '(it changed nothing); the lock is freed, start it again',
    );
  }
  if (run.finished) return finish(run.run, null);
  await io.platform.releaseRecord.acquireLock(lock.releaseId, holder);
  io.progress.step(
    `resuming release ${lock.releaseId} (${lock.holder}) at ${stateLabel(run.state, run.run.plan)}`,
  );
  return drive(run.run, run.state);
}

/**
 * What abortRelease does with a release that had already written `finished` but was cut off before it freed the
 * lock: its lock is freed either way, and it gives that release's report ('report', what `abort` shows) or null
 * ('null', what `rollback` needs: nothing was aborted, so live is still to be decided as with a free lock).
 */
export type FinishedRelease = 'report' | 'null';

/**
 * Rolls the release that holds the lock back to a consistent alias; null (and nothing changed) when none runs, or
 * when it had already finished and `finished` is 'null'.
 */
export async function abortRelease(
  io: ReleaseIo,
  reason: string,
  by: string,
  finished: FinishedRelease = 'report',
): Promise<ReleaseReport | null> {
  const found = await heldRelease(io);
  if (found === null) {
    io.progress.step('nothing to abort: no release holds the lock');
    return null;
  }
  if (found.run === null) {
    io.progress.step(`release ${found.lock.releaseId} wrote nothing before it stopped: the lock is freed`);
    return null;
  }
  const { run, state } = found.run;
  if (found.run.finished) {
    const report = await finish(run, null);
    if (finished === 'report') return report;
    io.progress.step(
      `release ${found.lock.releaseId} had already finished (${report.outcome}): its lock is freed`,
    );
    return null;
  }
  await run.record('abort-requested', { reason, by });
  io.progress.step(`aborting release ${found.lock.releaseId} at ${stateLabel(state, run.plan)}: ${reason}`);
  const hadTraffic = found.run.candidateHadTraffic;
  return drive(run, abortState(state, `aborted by ${by}: ${reason}`, hadTraffic));
}

export async function releaseStatus(
  io: ReleaseIo,
): Promise<{ alias: AliasState; lock: ReleaseLock | null; report: ReleaseReport | null }> {
  const store = io.platform.releaseRecord;
  const [alias, lock] = await Promise.all([io.platform.readAlias(), store.currentLock()]);
  const releaseId = lock?.releaseId ?? (await store.journal()).at(-1)?.releaseId ?? null;
  const entries = releaseId === null ? [] : await store.journal(releaseId);
  return {
    alias,
    lock,
    report: entries.length === 0 ? null : buildReleaseReport(entries, { now: io.now() }),
  };
}

interface HeldRelease {
  readonly run: ReleaseRun;
  readonly state: ReleaseState;
  readonly finished: boolean;
  readonly candidateHadTraffic: boolean;
}

/**
 * The lock and its release read back from the journal; null when the lock is free. A release that took the lock
 * and wrote nothing changed nothing (`started` is written before any change), so its lock is freed here.
 */
async function heldRelease(io: ReleaseIo): Promise<{ lock: ReleaseLock; run: HeldRelease | null } | null> {
  const store = io.platform.releaseRecord;
  const lock = await store.currentLock();
  if (lock === null) return null;
  const progress = replay(await store.journal(lock.releaseId));
  if (progress === null) {
    await store.releaseLock(lock.releaseId);
    return { lock, run: null };
  }
  const run = new ReleaseRun(io, progress.started, progress);
  // An abort that was cut off before its roll back was journaled still stands.
  const state =
    progress.abort !== null && progress.state.name !== 'rollback'
      ? abortState(
          progress.state,
          `aborted by ${progress.abort.by}: ${progress.abort.reason}`,
          progress.candidateHadTraffic,
        )
      : progress.state;
  return {
    lock,
    run: {
      run,
      state,
      finished: progress.finished !== null,
      candidateHadTraffic: progress.candidateHadTraffic,
    },
  };
}

/** Performs states from `state` until done, then writes `finished`, frees the lock and reports. */
export async function drive(run: ReleaseRun, from: ReleaseState): Promise<ReleaseReport> {
  let state = from;
  try {
    while (state.name !== 'done') {
      await run.record('state', { state });
      run.io.onEnter?.(state);
      run.io.progress.step(stateLabel(state, run.plan));
      const { observation, freeze } = await perform(run, state);
      await run.record('observed', { state, observation, ...(freeze === undefined ? {} : { freeze }) });
      state = next(state, observation, run.plan);
    }
  } catch (error) {
    const stopped = `release ${run.started.releaseId} stopped in ${stateLabel(state, run.plan)}`;
    if (tookOver(error)) {
      throw new Error(`${stopped}: another runner took over this release (abort or resume): this one stops`, {
        cause: error,
      });
    }
    throw new Error(
      `${stopped}; it still holds the lock and its journal says where it stands: \`resume\` carries it on, ` +
        '`abort` rolls it back',
      { cause: error },
    );
  }
  return finish(run, { outcome: state.outcome, reasons: [...state.reasons, ...run.notes] });
}

/**
 * The runner's own append was refused: a resume or an abort wrote to the journal in between (or finished and freed
 * the lock, or a new release took it). Every change to the platform is journaled first, so this runner stops here.
 */
function tookOver(error: unknown): boolean {
  return (
    error instanceof JournalConflictError ||
    error instanceof ReleaseLockNotHeldError ||
    (error instanceof ReleaseLockedError && error.operation === 'append')
  );
}

async function finish(
  run: ReleaseRun,
  finished: { outcome: Outcome; reasons: readonly string[] } | null,
): Promise<ReleaseReport> {
  if (finished !== null) {
    await run.record('finished', finished);
    run.io.progress.step(
      `${finished.outcome}${finished.reasons.length ? `: ${finished.reasons.join('; ')}` : ''}`,
    );
  }
  await run.platform.releaseRecord.releaseLock(run.started.releaseId);
  return buildReleaseReport(run.entries, { now: run.io.now() });
}

function describePlan(plan: ReleasePlan): string {
  return `plan ${plan.steps.map((step) => `${Math.round(step.weight * 100)} %`).join(' → ')}`;
}
