/**
 * `npm run release -- rollback`'s shell: abort the release that holds the lock, or, with the lock free, move live
 * back to an earlier version as a run of its own (rollback-rules.ts decides which, and when it refuses), journaled
 * and driven like a release, so `status`, `resume` and `abort` work on it after a crash.
 */
import { LIVE_ALIAS, ReleaseLockedError } from '../../platform/src/port.ts';
import { entry } from './journal.ts';
import type { ReleasePlan, ReleaseStarted, ReleaseState } from './model.ts';
import { abortRelease, drive, unwrittenReport } from './orchestrator.ts';
import type { ReleaseIo } from './ports.ts';
import { ReleaseRun } from './release-run.ts';
import type { ReleaseReport } from './report.ts';
import { previousVersion, rollbackCheck } from './rollback-rules.ts';

export interface RollbackRequest {
  functionName: string;
  /** The version to put live back on; null: the stable version of the last promoted release in the record. */
  to: string | null;
  reason: string;
  /** Its warmTimeoutMs bounds the handover's waits, as a release's does. */
  plan: ReleasePlan;
  holder: string;
  releaseId?: string;
}

/**
 * `rollback`: aborts the release that holds the lock (the reason recorded as the abort's), or, with the lock free
 * (or freed from a release that had already finished), moves live back to an earlier version as a run of its own:
 * refused when rollback-rules.ts says so (nothing written, nothing changed), else the lock taken, `started`
 * journaled and its one state, revert, driven like a release's, so status, resume and abort work on it after a
 * crash.
 */
export async function rollbackLive(io: ReleaseIo, request: RollbackRequest): Promise<ReleaseReport> {
  const store = io.platform.releaseRecord;
  if ((await store.currentLock()) !== null) {
    const aborted = await abortRelease(io, request.reason, request.holder, 'null');
    // null: the lock was freed meanwhile, or its release had written nothing or had already finished (cut off
    // before it freed the lock, so nothing was aborted): live is decided as with a free lock.
    if (aborted !== null) return aborted;
  }
  const [alias, journal] = await Promise.all([io.platform.readAlias(), store.journal()]);
  const to = request.to ?? previousVersion(journal);
  const started: ReleaseStarted = {
    releaseId:
      request.releaseId ??
      `${request.functionName}-rollback-${to ?? 'previous'}-${io.now().toISOString().replace(/[:.]/g, '-')}`,
    functionName: request.functionName,
    candidate: alias.version,
    // What the report names as the target when the record gave none: the refusal says why.
    stable: to ?? 'previous',
    plan: request.plan,
    livePc: (await io.platform.provisionedConcurrency(LIVE_ALIAS))?.requested ?? 0,
    modelChange: false,
    overrideFreeze: null,
    holder: request.holder,
    startedAt: io.now().toISOString(),
    rollback: { reason: request.reason },
  };
  const decision = rollbackCheck({
    alias,
    to,
    versionExists: to === null || to === alias.version || (await io.platform.versionExists(to)),
  });
  let refusal = decision.proceed ? null : decision.reason;
  if (refusal === null) {
    try {
      await store.acquireLock(started.releaseId, request.holder);
    } catch (error) {
      if (!(error instanceof ReleaseLockedError)) throw error;
      refusal = error.message;
    }
  }
  if (refusal !== null) {
    io.progress.step(`rollback refused: ${refusal}`);
    const state: ReleaseState = { name: 'done', outcome: 'refused', reasons: [refusal] };
    return unwrittenReport(
      [
        entry(started.releaseId, 'started', started),
        entry(started.releaseId, 'state', { state }),
        entry(started.releaseId, 'finished', { outcome: 'refused', reasons: [refusal] }),
      ],
      io.now(),
    );
  }
  const run = new ReleaseRun(io, started, {
    entries: [],
    nextSequence: ((await store.journal()).at(-1)?.sequence ?? 0) + 1,
    scaling: { saved: false },
  });
  await run.record('started', started);
  io.progress.step(
    `rollback ${started.releaseId}: live from ${started.candidate} back to ${started.stable}: ${request.reason}`,
  );
  return drive(run, { name: 'revert', reason: request.reason });
}
