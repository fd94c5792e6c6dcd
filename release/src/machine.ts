/**
 * The release's state machine, pure: what comes after a state given what performing it observed, where an abort
 * leads, and what preflight refuses.
 *
 *   preflight → warm(0) → pretraffic → drift → shift(0) → warm(1) → shift(1) → … → warm(last) → promote → watch
 *   → done(promoted). The plan's last step (weight 1) is the promotion and its bake the watch window; warm(k) sizes
 *   the candidate's own PC for steps[k] before that step. A refused preflight ends as done(refused); a failure
 *   before the candidate's first weight rolls back as stopped-before-traffic, any later one as rolled-back; a
 *   rollback ends as done with its outcome. A preflight whose only finding is a candidate that already serves all
 *   of live ends as done(already-live): nothing to release, nothing changed.
 */
import type { AliasState } from '../../platform/src/port.ts';
import {
  type DriftReport,
  type FreezeStatus,
  type Observation,
  type ReleasePlan,
  type ReleaseState,
  STATE_NAMES,
  type StateName,
} from './model.ts';

/**
 * The states `--crash-at` can stop a release on entering: every state a release enters but done, which is not
 * entered to act (revert is a `rollback` run's, never a release's).
 */
export const CRASH_STATES: readonly Exclude<StateName, 'done' | 'revert'>[] = STATE_NAMES.filter(
  (name): name is Exclude<StateName, 'done' | 'revert'> => name !== 'done' && name !== 'revert',
);

/** The observation kind each state's action reports. */
const OBSERVATION_OF: Readonly<Record<Exclude<StateName, 'done'>, Observation['kind']>> = {
  preflight: 'preflight',
  warm: 'warm',
  pretraffic: 'pretraffic',
  drift: 'drift',
  shift: 'bake',
  promote: 'promote',
  watch: 'bake',
  rollback: 'rollback',
  revert: 'revert',
};

const percent = (weight: number) => `${Number((weight * 100).toFixed(2))} %`;

/** "shift 2/3 (50 %)" with the plan, "shift 2" without; "rollback (rolled-back)", "done (promoted)". */
export function stateLabel(state: ReleaseState, plan?: ReleasePlan): string {
  switch (state.name) {
    case 'warm':
    case 'shift': {
      const weight = plan?.steps[state.step]?.weight;
      const of = plan === undefined ? '' : `/${plan.steps.length}`;
      return `${state.name} ${state.step + 1}${of}${weight === undefined ? '' : ` (${percent(weight)})`}`;
    }
    case 'rollback':
    case 'done':
      return `${state.name} (${state.outcome})`;
    default:
      return state.name;
  }
}

/**
 * Whether the candidate may have had production traffic by the time the release is in this state: from its first
 * shift on. (A rollback or done state says so by its outcome.) The journal's alias updates are the record of what
 * really happened; this is what the state alone implies.
 */
export function candidateMayHaveHadTraffic(state: ReleaseState): boolean {
  switch (state.name) {
    case 'preflight':
    case 'pretraffic':
    case 'drift':
      return false;
    case 'warm':
      return state.step > 0;
    case 'shift':
    case 'promote':
    case 'watch':
      return true;
    case 'rollback':
      return state.outcome === 'rolled-back';
    case 'revert':
      // A rollback run's "candidate" is the version live was on: it had traffic all along.
      return true;
    case 'done':
      return state.outcome === 'promoted' || state.outcome === 'rolled-back' || state.outcome === 'reverted';
  }
}

function bug(state: ReleaseState, detail: string): Error {
  return new Error(
    `release state machine: ${detail} in state ${stateLabel(state)}; this is a bug in the orchestrator`,
  );
}

function requireStep(state: ReleaseState & { step: number }, plan: ReleasePlan, last: number): void {
  if (!Number.isInteger(state.step) || state.step < 0 || state.step > last) {
    throw bug(state, `step ${state.step} is not a step of the plan's ${plan.steps.length} (0..${last})`);
  }
}

/** The state after `state`, given what performing it observed. Throws for an observation of another state. */
export function next(state: ReleaseState, observation: Observation, plan: ReleasePlan): ReleaseState {
  if (state.name === 'done')
    throw bug(state, `observation ${observation.kind} arrived after the release ended`);
  if (OBSERVATION_OF[state.name] !== observation.kind) {
    throw bug(
      state,
      `observation ${observation.kind} does not belong here (expected ${OBSERVATION_OF[state.name]})`,
    );
  }
  const last = plan.steps.length - 1;
  const beforeTraffic = (reason: string): ReleaseState => ({
    name: 'rollback',
    outcome: 'stopped-before-traffic',
    reason,
  });
  const afterTraffic = (reason: string): ReleaseState => ({
    name: 'rollback',
    outcome: 'rolled-back',
    reason,
  });
  // The first shift, or straight to promotion for a plan whose only step is 100 %.
  const firstShift: ReleaseState = last === 0 ? { name: 'promote' } : { name: 'shift', step: 0 };
  switch (observation.kind) {
    case 'preflight':
      return observation.proceed
        ? { name: 'warm', step: 0 }
        : {
            name: 'done',
            outcome: observation.alreadyLive ? 'already-live' : 'refused',
            reasons: [observation.reason],
          };
    case 'warm': {
      const warm = state as Extract<ReleaseState, { name: 'warm' }>;
      requireStep(warm, plan, last);
      if (!observation.ready) {
        return warm.step === 0 ? beforeTraffic(observation.reason) : afterTraffic(observation.reason);
      }
      if (warm.step === 0) return { name: 'pretraffic' };
      return warm.step === last ? { name: 'promote' } : { name: 'shift', step: warm.step };
    }
    case 'pretraffic':
      return observation.verdict.passed
        ? { name: 'drift' }
        : beforeTraffic(observation.reason ?? 'the pre-traffic gate failed');
    case 'drift': {
      const { report } = observation;
      if (report.passed) return firstShift;
      const what =
        report.unanswered > 0
          ? `${report.unanswered} of ${report.compared} canary bodies were not answered by both versions`
          : `${report.beyondTolerance} of ${report.compared} canary answers drifted beyond ${report.tolerance} ` +
            `(${worstOf(report)}): release with --model-change if the model changed on purpose`;
      return beforeTraffic(`prediction drift: ${what}`);
    }
    case 'bake': {
      const { verdict } = observation;
      // bake() keeps baking itself (journaling each judgement) and returns only its final pass or fail.
      if (verdict.decision === 'keep-baking') throw bug(state, 'a bake that keeps baking was passed on');
      if (verdict.decision === 'fail') return afterTraffic(verdict.reasons.join('; ') || 'the bake failed');
      if (state.name === 'watch') return { name: 'done', outcome: 'promoted', reasons: [] };
      const shift = state as Extract<ReleaseState, { name: 'shift' }>;
      requireStep(shift, plan, last - 1);
      return { name: 'warm', step: shift.step + 1 };
    }
    case 'promote':
      return observation.done ? { name: 'watch' } : afterTraffic(observation.reason);
    case 'rollback': {
      const rollback = state as Extract<ReleaseState, { name: 'rollback' }>;
      return { name: 'done', outcome: rollback.outcome, reasons: [rollback.reason] };
    }
    case 'revert': {
      const revert = state as Extract<ReleaseState, { name: 'revert' }>;
      // Live ended elsewhere only by someone else's move, which the revert leaves as it is: nothing of its own stays.
      return observation.done
        ? { name: 'done', outcome: 'reverted', reasons: [revert.reason] }
        : { name: 'done', outcome: 'refused', reasons: [observation.reason, revert.reason] };
    }
  }
}

/**
 * Where an abort leads: any state before done rolls back (stopped-before-traffic when the candidate never had a
 * weight, else rolled-back); a rollback or a revert under way carries on as it is (it is the way back already),
 * and done stays done, so a second abort changes nothing.
 */
export function abortState(state: ReleaseState, reason: string, candidateHadTraffic: boolean): ReleaseState {
  if (state.name === 'done' || state.name === 'rollback' || state.name === 'revert') return state;
  return {
    name: 'rollback',
    outcome: candidateHadTraffic ? 'rolled-back' : 'stopped-before-traffic',
    reason,
  };
}

/** The drift refusal's worst: the largest drift, and the first pair of answers that differ in length. */
function worstOf(report: DriftReport): string {
  const mismatch = report.worst.find((row) => row.mismatch)?.mismatch;
  return [
    ...(report.maxRelativeDrift === null
      ? []
      : [`largest ${Number(report.maxRelativeDrift.toPrecision(3))}`]),
    ...(mismatch ? [mismatch] : []),
  ].join('; ');
}

const weightsOf = (alias: AliasState) =>
  Object.entries(alias.weights)
    .map(([version, weight]) => `${percent(weight)} to version ${version}`)
    .join(', ');

/**
 * Preflight's decision from what it read: refuse when live has weights (another release in flight, or a shift left
 * half-done), when the candidate version does not exist, or when the error budget freezes releases and no override
 * was given. A candidate that already serves all of live (live on it with no weights) is nothing to release: that
 * ends the release as `already-live`, a deploy that published no new version, even in a freeze (a freeze stops
 * traffic moving, and none would); with live's weights or a missing version as well it is one more reason to
 * refuse. A freeze that could not be checked proceeds (the report shows why). Every reason is named.
 */
/** Whether the candidate already serves all of live (its primary, no weights): nothing to release. Pure. */
export function servesAllOfLive(alias: AliasState, candidate: string): boolean {
  return alias.version === candidate && Object.keys(alias.weights).length === 0;
}

export function preflightCheck(input: {
  readonly alias: AliasState;
  readonly candidate: string;
  readonly versionExists: boolean;
  readonly freeze: FreezeStatus;
  readonly overrideFreeze: string | null;
}): Observation & { kind: 'preflight' } {
  const { alias, candidate, freeze } = input;
  const reasons: string[] = [];
  const hasWeights = Object.keys(alias.weights).length > 0;
  const nothingToRelease = servesAllOfLive(alias, candidate);
  if (nothingToRelease) reasons.push(`version ${candidate} already serves all of live: nothing to release`);
  if (alias.version === candidate && hasWeights) {
    reasons.push(`version ${candidate} is already live's primary version: nothing to release`);
  }
  if (hasWeights) {
    reasons.push(
      `live routes ${weightsOf(alias)} besides version ${alias.version}: another release is in flight or a shift ` +
        'was left half-done: resume or abort it first (release status shows it)',
    );
  }
  if (!input.versionExists) {
    reasons.push(`version ${candidate} does not exist: publish it first, or name a published version`);
  }
  if (freeze.checked && freeze.frozen && input.overrideFreeze === null && !nothingToRelease) {
    reasons.push(
      `the error budget is spent (${freeze.detail}): release with --override-freeze REASON to go anyway`,
    );
  }
  if (reasons.length === 0) return { kind: 'preflight', proceed: true };
  const reason = reasons.join('; ');
  return nothingToRelease && reasons.length === 1
    ? { kind: 'preflight', proceed: false, reason, alreadyLive: true }
    : { kind: 'preflight', proceed: false, reason };
}
