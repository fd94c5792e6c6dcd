/**
 * The release report: what a release did and why, built from its journal alone. Pure, so the report of a
 * finished release, the one `status` shows for a release still running, and the one after a crash are the same
 * function of the same entries, read through journal.ts (replay checks every entry's shape first). JSON for
 * machines (versioned); report-markdown.ts renders it for people.
 */
import type { GateCheck } from '../../loadtest/src/gate.ts';
import type { TimelinePoint } from '../../loadtest/src/result.ts';
import type { JournalEntry, VersionMetrics } from '../../platform/src/port.ts';
import { candidateWeightOf, dataOf, replay } from './journal.ts';
import { badOf, requestsOf } from './judge.ts';
import { stateLabel } from './machine.ts';
import {
  type DriftReport,
  EXIT_CODES,
  type FreezeStatus,
  type JournalData,
  type JournalType,
  type JudgeCheck,
  type Outcome,
  type ReleasePlan,
  type StepVerdict,
} from './model.ts';

/** Bumped when a field changes meaning or goes away; a new field does not bump it. */
export const RELEASE_REPORT_SCHEMA_VERSION = 1 as const;

/**
 * What clients of `live` saw while the release ran: the rehearsal's own open-model traffic through the alias
 * (on AWS nobody measures it for the release, so it is absent). Errors count as the load test does: 5xx, 429 and
 * transport failures.
 */
export interface ProductionTraffic {
  /** The URL the clients called: live's. */
  readonly target: string;
  /** When its second 0 was, so its seconds line up with the release's timeline. */
  readonly startedAt: string;
  readonly durationSeconds: number;
  /** The open model's arrival rate. */
  readonly ratePerSecond: number;
  readonly requests: number;
  readonly errors: number;
  /** Keyed by HTTP status code or `transport_error`. */
  readonly statusCounts: Readonly<Record<string, number>>;
  /** Over successful (2xx) responses, as the latency SLOs count them; null when none succeeded. */
  readonly latencyP50Ms: number | null;
  readonly latencyP95Ms: number | null;
  /** Each second's figures (by scheduled send time), or null when not recorded. */
  readonly perSecond: readonly TimelinePoint[] | null;
}

/** One version's key figures over a judged bake, counted as judge.ts counts them. */
export interface VersionFigures {
  readonly version: string;
  /** judge.ts requestsOf: invocations + throttles. */
  readonly requests: number;
  /** judge.ts badOf: errors + throttles + requests5xx, the three kinds below. */
  readonly bad: number;
  /** Lambda's errors (crash, timeout). */
  readonly errors: number;
  /** Requests the function's concurrency limit refused: a shift judges them against stable's, not the SLO. */
  readonly throttles: number;
  /** The 5xx answers the handler gave itself. */
  readonly requests5xx: number;
  readonly appLatencyP50Ms: number | null;
  readonly appLatencyP95Ms: number | null;
  readonly durationP50Ms: number | null;
  readonly durationP95Ms: number | null;
  readonly spilloverInvocations: number;
}

/** One judged bake: a shift step, or the watch window after promotion. */
export interface ReportStep {
  readonly phase: 'shift' | 'watch';
  /** The plan step's index (the watch bakes the last step). */
  readonly index: number;
  readonly weight: number;
  /** When the state was entered (for a shift, before its weights were set). */
  readonly startedAt: string;
  /** The minutes the metrics were read over. */
  readonly window: { readonly start: string; readonly end: string };
  readonly elapsedMs: number;
  /** keep-baking only for a bake cut off before its judgement was final. */
  readonly decision: StepVerdict['decision'];
  readonly reasons: readonly string[];
  readonly checks: readonly JudgeCheck[];
  readonly candidate: VersionFigures;
  /** null in the watch window: the candidate is live's only version. */
  readonly stable: VersionFigures | null;
  readonly spilloverShare: number | null;
}

export interface TimelineEvent {
  readonly at: string;
  readonly kind: 'state' | 'alias-update' | 'pc-change' | 'scaling-change' | 'abort-requested' | 'finished';
  readonly event: string;
  /** The candidate's share of live once this event happened. */
  readonly weight: number;
}

export interface ReleaseReport {
  readonly schemaVersion: typeof RELEASE_REPORT_SCHEMA_VERSION;
  /**
   * 'rollback' for a `rollback` run with no release running (outcome reverted or refused): its candidate is the
   * version live was moved away from, its stable the one live went back to.
   */
  readonly kind: 'release' | 'rollback';
  readonly releaseId: string;
  readonly functionName: string;
  readonly candidate: string;
  readonly stable: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** When the report was built: the caller's clock, or the journal's last entry. */
  readonly reportedAt: string;
  /** The last state recorded, in words ("shift 2/3 (50 %)"). */
  readonly state: string;
  /** null while the release has not finished (still running, or cut off: resume or abort it). */
  readonly outcome: Outcome | null;
  readonly exitCode: number | null;
  readonly reasons: readonly string[];
  readonly abort: { readonly at: string; readonly reason: string; readonly by: string } | null;
  readonly plan: ReleasePlan;
  readonly livePc: number;
  readonly overrideFreeze: string | null;
  readonly modelChange: boolean;
  /** null when preflight recorded none. */
  readonly freeze: FreezeStatus | null;
  /** 0–1: the candidate's highest share of live, 1 once it was made live's primary. */
  readonly maxCandidateWeight: number;
  /** Summed over every judged bake of the candidate through live, and its exposure tail. */
  readonly candidateRequests: number;
  readonly candidateErrors: number;
  /**
   * A rolled-back candidate's traffic after its last judgement until live was back on stable (exposure-tail.ts);
   * null when none was read.
   */
  readonly exposureTail: {
    readonly window: { readonly start: string; readonly end: string };
    readonly candidate: VersionFigures;
  } | null;
  readonly pretraffic: {
    readonly passed: boolean;
    readonly reason: string | null;
    readonly checks: readonly GateCheck[];
  } | null;
  readonly drift: DriftReport | null;
  readonly steps: readonly ReportStep[];
  readonly timeline: readonly TimelineEvent[];
  readonly production: ProductionTraffic | null;
}

interface Recorded<T extends JournalType> {
  readonly at: string;
  readonly data: JournalData[T];
}

function recorded<T extends JournalType>(entry: JournalEntry, type: T): Recorded<T> | null {
  const data = dataOf(entry, type);
  return data === null ? null : { at: entry.at, data };
}

function allOf<T extends JournalType>(entries: readonly JournalEntry[], type: T): Recorded<T>[] {
  return entries.flatMap((entry) => recorded(entry, type) ?? []);
}

export function figuresOf(metrics: VersionMetrics): VersionFigures {
  return {
    version: metrics.version,
    requests: requestsOf(metrics),
    bad: badOf(metrics),
    errors: metrics.errors,
    throttles: metrics.throttles,
    requests5xx: metrics.app.requests5xx,
    appLatencyP50Ms: metrics.app.latencyP50Ms,
    appLatencyP95Ms: metrics.app.latencyP95Ms,
    durationP50Ms: metrics.durationP50Ms,
    durationP95Ms: metrics.durationP95Ms,
    spilloverInvocations: metrics.provisionedConcurrencySpilloverInvocations,
  };
}

/** A Date in memory, an ISO string once it went through JSON (the journal): ISO either way. */
const isoOf = (time: Date | string) => new Date(time).toISOString();

/**
 * One step per entry into a bake state, with that entry's last judgement: a keep-baking verdict that was judged
 * again is superseded (its window is inside the next one's), while a bake entered again after a crash restarts
 * and its minutes are new.
 */
function judgedSteps(entries: readonly JournalEntry[], plan: ReleasePlan): ReportStep[] {
  let entered: { at: string; sequence: number } | null = null;
  const lastOfEntry = new Map<number, ReportStep>();
  for (const entry of entries) {
    if (entry.type === 'state') entered = { at: entry.at, sequence: entry.sequence };
    const observed = recorded(entry, 'observed');
    if (observed === null || observed.data.observation.kind !== 'bake') continue;
    const { state } = observed.data;
    if (state.name !== 'shift' && state.name !== 'watch') continue;
    const index = state.name === 'shift' ? state.step : plan.steps.length - 1;
    const verdict = observed.data.observation.verdict;
    lastOfEntry.set(entered?.sequence ?? entry.sequence, {
      phase: state.name,
      index,
      weight: plan.steps[index]?.weight ?? 1,
      startedAt: entered?.at ?? observed.at,
      window: { start: isoOf(verdict.candidate.range.start), end: isoOf(verdict.candidate.range.end) },
      elapsedMs: verdict.elapsedMs,
      decision: verdict.decision,
      reasons: verdict.reasons,
      checks: verdict.checks,
      candidate: figuresOf(verdict.candidate),
      stable: verdict.stable === null ? null : figuresOf(verdict.stable),
      spilloverShare: verdict.spilloverShare,
    });
  }
  return [...lastOfEntry.values()];
}

/**
 * `weight` is the candidate's share of live before the first entry: 1 for a rollback run's (live's version) and for
 * an already-live release's.
 */
function timelineOf(
  entries: readonly JournalEntry[],
  candidate: string,
  plan: ReleasePlan,
  initialWeight: number,
): TimelineEvent[] {
  const timeline: TimelineEvent[] = [];
  let weight = initialWeight;
  for (const entry of entries) {
    const state = recorded(entry, 'state');
    const update = recorded(entry, 'alias-update');
    const pc = recorded(entry, 'pc-change');
    const scaling = recorded(entry, 'scaling-change');
    const abort = recorded(entry, 'abort-requested');
    const finished = recorded(entry, 'finished');
    if (state) {
      timeline.push({ at: state.at, kind: 'state', event: stateLabel(state.data.state, plan), weight });
    } else if (update) {
      weight = candidateWeightOf(update.data, candidate);
      const weights = Object.entries(update.data.weights).map(([version, share]) => `${version} at ${share}`);
      const event = `live → ${update.data.version}${weights.length ? ` with ${weights.join(', ')}` : ''}`;
      timeline.push({ at: update.at, kind: 'alias-update', event, weight });
    } else if (pc) {
      const { qualifier, executions } = pc.data;
      const event =
        executions === null
          ? `provisioned concurrency removed from ${qualifier}`
          : `provisioned concurrency ${executions} put on ${qualifier}`;
      timeline.push({ at: pc.at, kind: 'pc-change', event, weight });
    } else if (scaling) {
      const event =
        scaling.data.change === 'suspend' ? "live's scaling suspended" : "live's scaling restored";
      timeline.push({ at: scaling.at, kind: 'scaling-change', event, weight });
    } else if (abort) {
      const event = `abort requested by ${abort.data.by}: ${abort.data.reason}`;
      timeline.push({ at: abort.at, kind: 'abort-requested', event, weight });
    } else if (finished) {
      timeline.push({ at: finished.at, kind: 'finished', event: finished.data.outcome, weight });
    }
  }
  return timeline;
}

function lastOf<T>(items: readonly T[]): T | null {
  return items.length === 0 ? null : (items[items.length - 1] as T);
}

/** The release's report from its journal (one release's entries, oldest first), finished or not. */
export function buildReleaseReport(
  entries: readonly JournalEntry[],
  extras: { production?: ProductionTraffic | null; now?: Date } = {},
): ReleaseReport {
  const progress = replay(entries);
  if (progress === null) {
    throw new Error(
      "cannot report on a release whose journal is empty: pass one release's entries, oldest first",
    );
  }
  const { started, state } = progress;
  const { plan, candidate } = started;
  const ended = progress.finished ?? (state.name === 'done' ? state : null);
  const observed = allOf(entries, 'observed').map((entry) => entry.data);
  const pretraffic = lastOf(
    observed.flatMap(({ observation }) => (observation.kind === 'pretraffic' ? [observation] : [])),
  );
  const drift = lastOf(
    observed.flatMap(({ observation }) => (observation.kind === 'drift' ? [observation] : [])),
  );
  // The first abort is the one that stands (journal.ts): a second changes nothing.
  const abort = allOf(entries, 'abort-requested')[0] ?? null;
  const steps = judgedSteps(entries, plan);
  const tail = lastOf(allOf(entries, 'exposure-tail'))?.data.candidate ?? null;
  const exposureTail = tail && {
    window: { start: isoOf(tail.range.start), end: isoOf(tail.range.end) },
    candidate: figuresOf(tail),
  };
  const exposed = [...steps.map((step) => step.candidate), ...(exposureTail ? [exposureTail.candidate] : [])];
  // A rollback run's candidate is live's version, and so is a release's that found it serving all of live already.
  const servedAllOfLive = started.rollback !== undefined || ended?.outcome === 'already-live';
  const timeline = timelineOf(entries, candidate, plan, servedAllOfLive ? 1 : 0);
  return {
    schemaVersion: RELEASE_REPORT_SCHEMA_VERSION,
    kind: started.rollback === undefined ? 'release' : 'rollback',
    releaseId: started.releaseId,
    functionName: started.functionName,
    candidate,
    stable: started.stable,
    startedAt: started.startedAt,
    finishedAt: lastOf(allOf(entries, 'finished'))?.at ?? null,
    reportedAt: extras.now?.toISOString() ?? (lastOf(entries) as JournalEntry).at,
    state: stateLabel(state, plan),
    outcome: ended?.outcome ?? null,
    exitCode: ended ? EXIT_CODES[ended.outcome] : null,
    reasons: ended?.reasons ?? [],
    abort: abort && { at: abort.at, reason: abort.data.reason, by: abort.data.by },
    plan,
    livePc: started.livePc,
    overrideFreeze: started.overrideFreeze,
    modelChange: started.modelChange,
    freeze: lastOf(observed.flatMap((data) => (data.freeze ? [data.freeze] : []))),
    maxCandidateWeight: progress.maxCandidateWeight,
    candidateRequests: exposed.reduce((sum, figures) => sum + figures.requests, 0),
    candidateErrors: exposed.reduce((sum, figures) => sum + figures.bad, 0),
    exposureTail,
    pretraffic: pretraffic && {
      passed: pretraffic.verdict.passed,
      reason: pretraffic.reason,
      checks: pretraffic.verdict.checks,
    },
    drift: drift?.report ?? null,
    steps,
    timeline,
    production: extras.production ?? null,
  };
}

/** The report as written to `--out`: indented, with a trailing newline. */
export function releaseReportJson(report: ReleaseReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
