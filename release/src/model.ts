/**
 * The release's data: its plan, its states, what each state observes, and its outcomes. Plain data shared by the
 * pure core (plan.ts, judge.ts, drift.ts, machine.ts, journal.ts, report.ts), the shell that does the I/O
 * (orchestrator.ts) and the durable record, where every value here is written as JSON.
 */
import type { GateVerdict } from '../../loadtest/src/gate.ts';
import type { ScalingTarget, VersionMetrics } from '../../platform/src/port.ts';

/** One step of the shift: the candidate's share of `live`, then how long it bakes there. */
export interface PlanStep {
  /** 0 < weight <= 1; the last step is 1, which is the promotion, and its bake is the watch window. */
  readonly weight: number;
  readonly bakeMs: number;
}

export interface ReleasePlan {
  /** Strictly increasing weights, the last one 1. */
  readonly steps: readonly PlanStep[];
  /** The candidate's requests (through `live`) a step needs before it is judged. */
  readonly minRequests: number;
  /** While a step has fewer than minRequests, it keeps baking, up to this long; then it fails (too little evidence). */
  readonly maxBakeMs: number;
  /** How long after a bake its metrics are read: CloudWatch publishes late, the local platform at once. */
  readonly metricsDelayMs: number;
  /**
   * The platform's metric period: a read is widened to whole periods, so each judged window ends on one (rounded
   * down), and what is read is what was asked for, all of it at least metricsDelayMs old.
   */
  readonly metricPeriodMs: number;
  /** How long warming may wait for the candidate's provisioned concurrency to be READY. */
  readonly warmTimeoutMs: number;
  /** The `canary` scenario against the candidate alone: its rate from loadtest/src/scenarios.ts, this duration. */
  readonly pretrafficSeconds: number;
  readonly drift: {
    /** Canary-corpus bodies sent to both versions. */
    readonly requests: number;
    /** Largest relative difference between the two versions' answers that is not drift. */
    readonly tolerance: number;
  };
  /** "Against stable over the same minutes": what counts as a regression beyond noise. */
  readonly regression: {
    /** The candidate's p95 (or p50) fails above stable's x ratio AND stable's + minMs. */
    readonly latencyRatio: number;
    readonly latencyMinMs: number;
    /** One-sided significance level of the error-rate tests (against the SLO and against stable). */
    readonly errorAlpha: number;
  };
}

/**
 * What a release ends as; the exit code of `npm run release` is EXIT_CODES[outcome]. `reverted` is the outcome of
 * `rollback` alone: live moved back to an earlier version while no release ran. `already-live`: the candidate
 * already served all of live and nothing else stood in the way, so there was nothing to release (a deploy that
 * published no new version) and nothing was changed.
 */
export const OUTCOMES = [
  'promoted',
  'rolled-back',
  'stopped-before-traffic',
  'refused',
  'reverted',
  'already-live',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * 0 for what was asked done (a release promoted, a rollback that put live on the version it named, a candidate that
 * already served all of live); 1 is left to a crash or an AWS failure and 2 to a usage error (common/cli.ts).
 */
export const EXIT_CODES: Readonly<Record<Outcome, number>> = {
  promoted: 0,
  'rolled-back': 3,
  'stopped-before-traffic': 4,
  refused: 5,
  reverted: 0,
  'already-live': 0,
};

/**
 * The states a release passes through, in order, then `revert`, the one state of a `rollback` run (machine.ts
 * CRASH_STATES are the release's); `--crash-at` takes any of a release's but done.
 */
export const STATE_NAMES = [
  'preflight',
  'warm',
  'pretraffic',
  'drift',
  'shift',
  'promote',
  'watch',
  'rollback',
  'revert',
  'done',
] as const;
export type StateName = (typeof STATE_NAMES)[number];

export type ReleaseState =
  /** Read live, take the lock, check the freeze and the candidate. */
  | { readonly name: 'preflight' }
  /** Suspend live's scaling (first time) and size the candidate's own PC for steps[step], wait READY. */
  | { readonly name: 'warm'; readonly step: number }
  /** The canary scenario against the candidate alone, no production traffic. */
  | { readonly name: 'pretraffic' }
  /** The canary corpus to both versions, answers compared. */
  | { readonly name: 'drift' }
  /** live's weights give the candidate steps[step].weight; bake; judge. */
  | { readonly name: 'shift'; readonly step: number }
  /** live points at the candidate with no weights; alias PC handed over; scaling resumed; old PC released. */
  | { readonly name: 'promote' }
  /** The same checks for the last step's bake, on the candidate as live's only version. */
  | { readonly name: 'watch' }
  /** live back on the stable version with no weights, the candidate's PC removed, scaling restored. */
  | {
      readonly name: 'rollback';
      readonly outcome: 'rolled-back' | 'stopped-before-traffic';
      readonly reason: string;
    }
  /**
   * `rollback` with no release running: live moved from the version it was on (ReleaseStarted.candidate) back to
   * an earlier one (ReleaseStarted.stable) by the same PC handover a roll back after promotion makes, live's scaling
   * suspended meanwhile and restored, no version PC left.
   */
  | { readonly name: 'revert'; readonly reason: string }
  | { readonly name: 'done'; readonly outcome: Outcome; readonly reasons: readonly string[] };

/** Whether the error budget freezes releases (issue 4's report), or why it could not be checked. */
export type FreezeStatus =
  | { readonly checked: false; readonly why: string }
  | { readonly checked: true; readonly frozen: boolean; readonly detail: string };

/** One check of a judgement: what was required, what was measured, and whether it held. */
export interface JudgeCheck {
  readonly name: string;
  /** Against what: the SLO itself, the stable version over the same minutes, the evidence, or an alarm. */
  readonly against: 'slo' | 'stable' | 'evidence' | 'alarm';
  /** Human-readable requirement, e.g. "p95 ≤ 80 ms". */
  readonly objective: string;
  /** Human-readable measurement, or null when nothing was measured. */
  readonly measured: string | null;
  readonly passed: boolean;
  readonly reason: string | null;
}

/** A bake's judgement: pass, fail (roll back), or keep baking (too few requests yet, within maxBakeMs). */
export interface StepVerdict {
  readonly decision: 'pass' | 'fail' | 'keep-baking';
  readonly checks: readonly JudgeCheck[];
  /** The failed checks' reasons, first the most important. */
  readonly reasons: readonly string[];
  readonly elapsedMs: number;
  readonly candidate: VersionMetrics;
  /** null in the watch window (the candidate is live's only version). */
  readonly stable: VersionMetrics | null;
  /** Spillover / invocations of the candidate through live; null with no invocations. */
  readonly spilloverShare: number | null;
}

/** One canary-corpus body's answers from both versions. */
export interface DriftRow {
  readonly index: number;
  /** The answers' numbers (kWh), or null when that version did not answer 2xx. */
  readonly stable: readonly number[] | null;
  readonly candidate: readonly number[] | null;
  /**
   * Largest |candidate - stable| / max(|stable|, tiny) over the numbers; null when either did not answer, or when
   * the answers cannot be compared number by number (mismatch).
   */
  readonly relativeDrift: number | null;
  /**
   * Why two answers cannot be compared number by number ("answer lengths differ: …"): not the same answer, so the
   * row counts as beyond tolerance; null otherwise. (A number, not JSON's null for Infinity, says what happened.)
   */
  readonly mismatch: string | null;
}

export interface DriftReport {
  readonly compared: number;
  /** Bodies either version did not answer 2xx. */
  readonly unanswered: number;
  readonly tolerance: number;
  /** Over the rows compared number by number; null when none were. */
  readonly maxRelativeDrift: number | null;
  /** Rows that drifted beyond tolerance, or whose answers differ in length (mismatch). */
  readonly beyondTolerance: number;
  /** The worst rows, largest drift first (the report's table). */
  readonly worst: readonly DriftRow[];
  /** True when nothing drifted beyond tolerance and every body was answered by both. */
  readonly withinTolerance: boolean;
  readonly modelChange: boolean;
  /**
   * withinTolerance, or the release declared a model change and both versions still answered every body (a model
   * change explains different numbers, not missing ones).
   */
  readonly passed: boolean;
}

/** What performing a state observed: the input of machine.ts's next(). */
export type Observation =
  | { readonly kind: 'preflight'; readonly proceed: true }
  /**
   * alreadyLive: the candidate already serves all of live and that is the only reason: done as `already-live`, not
   * `refused`. Absent in journals written before it, which is `refused`.
   */
  | {
      readonly kind: 'preflight';
      readonly proceed: false;
      readonly reason: string;
      readonly alreadyLive?: true;
    }
  | { readonly kind: 'warm'; readonly ready: true }
  | { readonly kind: 'warm'; readonly ready: false; readonly reason: string }
  | { readonly kind: 'pretraffic'; readonly verdict: GateVerdict; readonly reason: string | null }
  | { readonly kind: 'drift'; readonly report: DriftReport }
  | { readonly kind: 'bake'; readonly verdict: StepVerdict }
  | { readonly kind: 'promote'; readonly done: true }
  | { readonly kind: 'promote'; readonly done: false; readonly reason: string }
  | { readonly kind: 'rollback'; readonly done: true }
  /** done = false: live did not end on the version the rollback named (someone else moved it meanwhile). */
  | { readonly kind: 'revert'; readonly done: true }
  | { readonly kind: 'revert'; readonly done: false; readonly reason: string };

/**
 * Written once, first: everything a resume or abort needs to carry on without the runner that started it. A
 * `rollback` run (no release running) is written the same way, as a roll back is seen: `candidate` is the version
 * live is moved away from, `stable` the earlier one it returns to, and `rollback` says why.
 */
export interface ReleaseStarted {
  readonly releaseId: string;
  readonly functionName: string;
  readonly candidate: string;
  /** live's primary version when the release started: what a roll back returns to. */
  readonly stable: string;
  /** Present on a `rollback` run only (journals without it are releases'): its one state is `revert`. */
  readonly rollback?: { readonly reason: string };
  readonly plan: ReleasePlan;
  /** live's provisioned concurrency (requested) at the start: what the candidate's PC is sized from. */
  readonly livePc: number;
  readonly modelChange: boolean;
  readonly overrideFreeze: string | null;
  readonly holder: string;
  readonly startedAt: string;
}

/**
 * The journal's entry types (JournalEntry.type) and their data. Each is appended BEFORE the release acts on it
 * (a state is recorded, then performed), except `observed` and `exposure-tail`, which record what was seen. Every
 * change to the platform is announced so: a runner superseded by a resume or an abort (which append first) fails
 * its conditional append and stops before it changes anything more.
 */
export interface JournalData {
  readonly started: ReleaseStarted;
  /** The state about to be performed. */
  readonly state: { readonly state: ReleaseState };
  /** live's scalable target as it was, before the release suspends it: what is restored. */
  readonly 'scaling-saved': { readonly previous: ScalingTarget | null };
  /** A PC configuration about to be put on a qualifier (executions) or removed from it (null). */
  readonly 'pc-change': { readonly qualifier: string; readonly executions: number | null };
  /** live's scaling about to be suspended, or put back as it was saved. */
  readonly 'scaling-change': { readonly change: 'suspend' | 'resume' };
  /** live's weights as about to be set, so the timeline shows every move. */
  readonly 'alias-update': { readonly version: string; readonly weights: Readonly<Record<string, number>> };
  readonly observed: {
    readonly state: ReleaseState;
    readonly observation: Observation;
    readonly freeze?: FreezeStatus;
  };
  /**
   * A roll back's last figures: the candidate's traffic through live from its last judged window (or its first
   * traffic) until live was back on stable, read once metricsDelayMs later. No verdict: it only completes the
   * exposure. Recorded after the read, like `observed`.
   */
  readonly 'exposure-tail': { readonly candidate: VersionMetrics };
  /** An operator asked to abort (the reason goes into the report). */
  readonly 'abort-requested': { readonly reason: string; readonly by: string };
  readonly finished: { readonly outcome: Outcome; readonly reasons: readonly string[] };
}
export type JournalType = keyof JournalData;
