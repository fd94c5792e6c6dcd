/**
 * The release's moves of `live` and of provisioned concurrency (PC), by docs/release.md "Consequences for the
 * release": the candidate is warmed on its own version qualifier; live's weights move only with the revision they
 * were planned from; promotion (and a roll back after it) is Lambda's handover of live's PC to the new primary;
 * someone else's move of live is never overwritten. Every alias update is journaled before it is sent.
 */
import { describeError } from '../../common/errors.ts';
import { promoteUpdate, rollBackUpdate, shiftUpdate } from '../../platform/src/alias.ts';
import { AwsCallError } from '../../platform/src/aws/aws-call.ts';
import {
  type AliasState,
  type AliasUpdate,
  LIVE_ALIAS,
  ProvisionedConcurrencyConflictError,
  RevisionConflictError,
} from '../../platform/src/port.ts';
import type { Observation, ReleaseStarted } from './model.ts';
import { type ReleaseRun, seconds, waitFor } from './release-run.ts';

const describeAlias = (alias: AliasState) =>
  Object.keys(alias.weights).length === 0
    ? `version ${alias.version}`
    : `version ${alias.version} with weights ${JSON.stringify(alias.weights)}`;

/** live is on neither the stable version nor the candidate, or weights a third: a human moved it. */
export class LiveMovedError extends Error {
  /** What live was found on. */
  readonly found: string;
  constructor(alias: AliasState, started: ReleaseStarted) {
    super(
      `live is on ${describeAlias(alias)}, not a move of this release between the stable version ${started.stable} ` +
        `and the candidate ${started.candidate}: someone else moved it, and the release does not overwrite that. ` +
        'Decide what live should be, then abort the release (abort leaves live as it finds it and frees the lock)',
    );
    this.name = 'LiveMovedError';
    this.found = describeAlias(alias);
  }
}

/** A refused revision is someone else's move: read live again and decide from what it is now, this many times. */
const MOVE_ATTEMPTS = 3;

/**
 * Lambda refusing an update with live unmoved (ResourceConflictException: another operation on the alias, such as
 * its PC being re-homed, is still in progress) is sent again this many times, first after BUSY_FIRST_WAIT_MS, each
 * wait twice the last: such operations end in seconds, and the release cannot go on without the move.
 */
const BUSY_ATTEMPTS = 5;
const BUSY_FIRST_WAIT_MS = 1_000;

/** AwsPlatform's UpdateAlias refused while the alias is still at the revision it was sent with. */
const aliasBusy = (error: unknown) =>
  error instanceof AwsCallError && error.call === 'UpdateAlias' && error.code === 'ResourceConflictException';

/** Reads live, and sends the update `decide` plans from it (journaled first); null = nothing to change. */
async function moveLive(run: ReleaseRun, decide: (alias: AliasState) => AliasUpdate | null): Promise<void> {
  let moved = 0;
  let busy = 0;
  for (;;) {
    const update = decide(await run.platform.readAlias());
    if (update === null) return;
    await run.record('alias-update', { version: update.version, weights: update.weights });
    try {
      await run.platform.updateAlias(update);
      return;
    } catch (error) {
      if (error instanceof RevisionConflictError && ++moved < MOVE_ATTEMPTS) {
        run.io.progress.step(`live moved under the release (${describeError(error)}): reading it again`);
      } else if (aliasBusy(error) && ++busy < BUSY_ATTEMPTS) {
        const waitMs = BUSY_FIRST_WAIT_MS * 2 ** (busy - 1);
        run.io.progress.step(
          `Lambda is still busy with live (${describeError(error)}): again in ${seconds(waitMs)}`,
        );
        await run.io.sleep(waitMs);
      } else {
        throw error;
      }
    }
  }
}

/**
 * Lambda's own weights while it moves live's PC to a new primary: the old version as the only additional one
 * (observed as AdditionalVersionWeights {old: 1}, all traffic still on it; terraform-provider-aws#48116). Right
 * after the release's own move, any weight on the old version alone is read as Lambda's, whatever its value.
 */
function weightsOnlyOn(alias: AliasState, previous: string): boolean {
  const versions = Object.keys(alias.weights);
  return versions.length === 1 && versions[0] === previous;
}

/** Sizes `qualifier`'s PC to `executions` (unless it already is) and waits for READY: null, or why not. */
export async function provision(
  run: ReleaseRun,
  qualifier: string,
  executions: number,
): Promise<string | null> {
  const timeoutMs = run.plan.warmTimeoutMs;
  const current = await run.platform.provisionedConcurrency(qualifier);
  if (current === null || current.requested !== executions || current.status === 'FAILED') {
    try {
      await run.putProvisionedConcurrency(qualifier, executions);
    } catch (error) {
      if (error instanceof ProvisionedConcurrencyConflictError) return error.message;
      throw error;
    }
  }
  const result = await waitFor<string | null>(run.io, timeoutMs, async () => {
    const pc = await run.platform.provisionedConcurrency(qualifier);
    if (pc === null) return { done: true, value: `the provisioned concurrency put on ${qualifier} is gone` };
    if (pc.status === 'READY') return { done: true, value: null };
    if (pc.status === 'FAILED') {
      return {
        done: true,
        value: `provisioned concurrency ${pc.requested} on ${qualifier} FAILED: ${pc.statusReason ?? 'Lambda gave no reason'}`,
      };
    }
    return {
      done: false,
      why: `provisioned concurrency ${pc.requested} on ${qualifier} is still ${pc.status} (${pc.available} available) after ${seconds(timeoutMs)}`,
    };
  });
  return result.done ? result.value : result.why;
}

/** Gives the candidate `weight` of live, the stable version the rest (nothing when it already has it). */
export async function shiftTo(run: ReleaseRun, weight: number): Promise<void> {
  const { stable, candidate } = run.started;
  await moveLive(run, (alias) => {
    const others = Object.keys(alias.weights).filter((version) => version !== candidate);
    if (alias.version !== stable || others.length > 0) throw new LiveMovedError(alias, run.started);
    return alias.weights[candidate] === weight ? null : shiftUpdate(alias, candidate, weight);
  });
}

/**
 * Waits until live is `primary` with no weights and its PC READY: null, or why it is not by the deadline. Lambda's
 * own handover weights are waited out; any other move is someone else's (LiveMovedError).
 */
async function settle(run: ReleaseRun, primary: string, previous: string): Promise<string | null> {
  const timeoutMs = run.plan.warmTimeoutMs;
  const result = await waitFor<string | null>(run.io, timeoutMs, async () => {
    const alias = await run.platform.readAlias();
    const weighted = Object.keys(alias.weights).length > 0;
    if (alias.version !== primary || (weighted && !weightsOnlyOn(alias, previous))) {
      throw new LiveMovedError(alias, run.started);
    }
    if (weighted) {
      return { done: false, why: `live still has Lambda's own weights ${JSON.stringify(alias.weights)}` };
    }
    if (run.started.livePc === 0) return { done: true, value: null };
    const pc = await run.platform.provisionedConcurrency(LIVE_ALIAS);
    if (pc === null || pc.status === 'READY') return { done: true, value: null };
    if (pc.status === 'FAILED') {
      return {
        done: true,
        value: `live's provisioned concurrency on ${primary} FAILED: ${pc.statusReason ?? ''}`,
      };
    }
    return { done: false, why: `live's provisioned concurrency on ${primary} is still ${pc.status}` };
  });
  return result.done ? result.value : `${result.why} after ${seconds(timeoutMs)}`;
}

/**
 * Points live at `to` with no weights by Lambda's handover (`to`'s own PC sized to live's first, so it is warm
 * before the alias names it), then waits for it to settle. A PC conflict (Lambda refusing a primary that has PC of
 * its own; docs/release.md says it is undocumented either way) removes `to`'s PC and tries once more. Resumed after
 * live already names `to`, it only waits: live's PC is then `to`'s, and Lambda refuses a second configuration.
 * When `to`'s own PC cannot be made READY, a promotion stops there (live stays on stable); a roll back moves live
 * anyway, since Lambda's handover keeps live's traffic on its current primary until live's PC is READY on `to`.
 */
async function handOver(
  run: ReleaseRun,
  to: string,
  from: string,
  notWarm: 'stop' | 'move anyway',
): Promise<string | null> {
  const { livePc } = run.started;
  const alreadyMoved = (await run.platform.readAlias()).version === to;
  if (livePc > 0 && !alreadyMoved) {
    const why = await provision(run, to, livePc);
    if (why !== null && notWarm === 'stop') return why;
    if (why !== null)
      run.io.progress.step(
        `${why}: moving live to ${to} anyway, Lambda keeps its traffic on ${from} meanwhile`,
      );
  }
  const decide = (alias: AliasState) => {
    if (alias.version === to) return null;
    if (alias.version !== from) throw new LiveMovedError(alias, run.started);
    return promoteUpdate(alias, to);
  };
  try {
    await moveLive(run, decide);
  } catch (error) {
    if (!(error instanceof ProvisionedConcurrencyConflictError)) throw error;
    run.io.progress.step(
      `Lambda refused ${to} as live's primary (${error.message}): removing its own PC, once`,
    );
    await run.removeProvisionedConcurrency(to);
    try {
      await moveLive(run, decide);
    } catch (again) {
      if (again instanceof ProvisionedConcurrencyConflictError)
        return `Lambda refused ${to} as live's primary twice: ${again.message}`;
      throw again;
    }
  }
  return settle(run, to, from);
}

/** live on the candidate alone with PC handed over, scaling resumed, no version PC left on either version. */
export async function promote(run: ReleaseRun): Promise<Observation & { kind: 'promote' }> {
  const { stable, candidate } = run.started;
  const notPromoted = await handOver(run, candidate, stable, 'stop');
  if (notPromoted !== null) return { kind: 'promote', done: false, reason: notPromoted };
  await run.removeProvisionedConcurrency(candidate);
  await run.restoreScaling();
  await run.removeProvisionedConcurrency(stable);
  return { kind: 'promote', done: true };
}

const routesTo = (alias: AliasState, version: string) =>
  alias.version === version || Object.hasOwn(alias.weights, version);

/**
 * live back on the stable version alone: by the handover when the candidate is already its primary (a roll back
 * in the watch window), else by clearing the weights. It is done only once live is read on the stable version with
 * no weights: then neither version's own PC serves live (its alias PC does), so both go, and scaling is restored.
 * Until then it throws, holding the lock, and resume or abort tries again: finishing would leave the candidate
 * serving live with the release over, and removing the PC of the version still serving would cold-start it.
 * Someone else's move of live is left as it is, and said; the PC of a version it routes to is kept.
 */
export async function rollBack(run: ReleaseRun): Promise<Observation & { kind: 'rollback' }> {
  const { stable, candidate } = run.started;
  let notBack: string | null = null;
  let movedBySomeoneElse = false;
  try {
    notBack = await putLiveBack(run);
  } catch (error) {
    if (!(error instanceof LiveMovedError)) throw error;
    movedBySomeoneElse = true;
  }
  const alias = await run.platform.readAlias();
  if (alias.version === stable && Object.keys(alias.weights).length === 0) {
    await run.removeProvisionedConcurrency(stable);
    await run.removeProvisionedConcurrency(candidate);
  } else if (movedBySomeoneElse) {
    run.note(`live is on ${describeAlias(alias)}: someone else moved it; the roll back leaves it as it is`);
    for (const version of [candidate, stable]) {
      if (!routesTo(alias, version)) await run.removeProvisionedConcurrency(version);
      else if (await run.platform.provisionedConcurrency(version)) {
        run.note(`version ${version} keeps its own provisioned concurrency: live still routes to it`);
      }
    }
  } else {
    throw new Error(
      `the roll back has not put live back on ${stable} alone: live is on ${describeAlias(alias)}` +
        `${notBack === null ? '' : ` (${notBack})`}; nothing is removed from a version live still routes to, and ` +
        'the release keeps its lock until a resume or an abort finds live back',
    );
  }
  await run.restoreScaling();
  return { kind: 'rollback', done: true };
}

/**
 * `rollback` with no release running: live moved from the version it is on (started.candidate) to an earlier one
 * (started.stable), exactly as a roll back after promotion moves it (rollBack: the PC handover, both versions' own
 * PC removed, scaling restored), its scaling suspended first as a release's warm suspends it, so Application Auto
 * Scaling does not resize live's PC in the middle of its handover. done = false when live ended elsewhere: someone
 * else moved it, and the revert left it as it is.
 */
export async function revert(run: ReleaseRun): Promise<Observation & { kind: 'revert' }> {
  const { stable } = run.started;
  await run.suspendScaling();
  await rollBack(run);
  const alias = await run.platform.readAlias();
  if (alias.version === stable && Object.keys(alias.weights).length === 0)
    return { kind: 'revert', done: true };
  return {
    kind: 'revert',
    done: false,
    reason: `live did not end on version ${stable}: it is on ${describeAlias(alias)}, someone else's move`,
  };
}

/** Moves live back to the stable version alone: null, or why it has not settled there yet. */
async function putLiveBack(run: ReleaseRun): Promise<string | null> {
  const { stable, candidate } = run.started;
  const alias = await run.platform.readAlias();
  if (alias.version === candidate) {
    // Lambda's own weights from the promotion first: the alias cannot move while it hands PC over.
    const left = await settle(run, candidate, stable);
    if (left !== null) run.io.progress.step(`${left}: moving live back anyway`);
    return handOver(run, stable, candidate, 'move anyway');
  }
  if (alias.version === stable && alias.weights[candidate] === 1) {
    // Lambda handing live back to stable (a release never sets a weight of 1: that is a promotion).
    return settle(run, stable, candidate);
  }
  await moveLive(run, (now) => {
    const weighted = Object.keys(now.weights);
    if (now.version !== stable || weighted.some((version) => version !== candidate)) {
      throw new LiveMovedError(now, run.started);
    }
    return weighted.length === 0 ? null : rollBackUpdate(now);
  });
  return null;
}
