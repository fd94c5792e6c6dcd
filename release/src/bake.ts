/**
 * A bake: the candidate serves its share of live while its metrics (and stable's, over the same minutes) are
 * judged (judge.ts) every interval from the bake's start, each window read once it has arrived. Evidence of harm
 * rolls back at the first judgement that shows it; a pass needs the step's bake time and the plan's minimum
 * requests, and too little evidence keeps it baking up to the plan's limit. Every judgement is journaled as it is
 * made, the last one decides. A terminal shows a live line while it bakes.
 */
import { describeError } from '../../common/errors.ts';
import type { JournalEntry, TimeRange, VersionMetrics } from '../../platform/src/port.ts';
import { candidateWeightOf, dataOf } from './journal.ts';
import { judgeBake, requestsOf } from './judge.ts';
import type { Observation, ReleaseState, StepVerdict } from './model.ts';
import { judgeIntervalMs } from './plan.ts';
import { type ReleaseRun, seconds } from './release-run.ts';

/** A metrics read that fails (CloudWatch's PartialData, a throttle past the SDK's retries) is tried this often. */
const METRIC_READ_ATTEMPTS = 3;

function liveTickMs(bakeMs: number): number {
  return Math.min(30_000, Math.max(1_000, Math.round(bakeMs / 10)));
}

/**
 * How long into the bake the next judged window should end: an interval after the last, or sooner where the bake
 * reaches its minimum or the plan's limit, so a step passes, or fails for too little evidence, the moment it can.
 */
function nextWindowEndMs(judgedMs: number, intervalMs: number, milestonesMs: readonly number[]): number {
  return Math.min(judgedMs + intervalMs, ...milestonesMs.filter((milestone) => milestone > judgedMs));
}

const periodDown = (ms: number, periodMs: number) => Math.floor(ms / periodMs) * periodMs;
const periodUp = (ms: number, periodMs: number) => Math.ceil(ms / periodMs) * periodMs;

export interface Bake {
  readonly state: ReleaseState & { name: 'shift' | 'watch' };
  readonly label: string;
  readonly weight: number;
  readonly bakeMs: number;
  /** The stable version, judged beside the candidate over the same minutes; null in the watch window. */
  readonly stable: string | null;
}

/** The bake's final judgement: it keeps baking itself, so only a pass or a fail ends it. */
export type BakeObservation = Observation & {
  readonly kind: 'bake';
  readonly verdict: StepVerdict & { readonly decision: 'pass' | 'fail' };
};

/**
 * Where the bake's figures start: where the release's last judged window ended (its last bake verdict's range),
 * or before its first judgement, when the candidate first got traffic (the first journaled alias update that gave
 * it a weight or made it the primary). Not the bake's own start: the traffic between two judgements (the last
 * metricsDelayMs of a step, the next warm, the shift itself or the promotion's handover, a resume's restart, a
 * first shift cut off before its first look) is then judged by the next bake and counted in the report's figures,
 * instead of falling between both. The bake's time is still its own: its minimum bake counts from when it started.
 */
export function judgedFrom(run: ReleaseRun): Date | null {
  for (let index = run.entries.length - 1; index >= 0; index -= 1) {
    const observed = dataOf(run.entries[index] as JournalEntry, 'observed');
    if (observed?.observation.kind === 'bake')
      return new Date(observed.observation.verdict.candidate.range.end);
  }
  const firstTraffic = run.entries.find((entry) => {
    const update = dataOf(entry, 'alias-update');
    return update !== null && candidateWeightOf(update, run.started.candidate) > 0;
  });
  return firstTraffic === undefined ? null : new Date(firstTraffic.at);
}

export async function bake(run: ReleaseRun, step: Bake): Promise<BakeObservation> {
  const { io, plan } = run;
  const start = io.now();
  // On a whole period, as the platform would widen it: what is read is then what is asked for.
  const from = new Date(periodDown((judgedFrom(run) ?? start).getTime(), plan.metricPeriodMs));
  const intervalMs = judgeIntervalMs(step.bakeMs);
  let judgedMs = 0;
  for (;;) {
    const windowEndMs = nextWindowEndMs(judgedMs, intervalMs, [step.bakeMs, plan.maxBakeMs]);
    // CloudWatch publishes late: a window is read metricsDelayMs after it ends, so it holds only what has arrived.
    // It ends on the first whole period at or after windowEndMs (judge rounds down to one), so it still reaches it.
    const readAt = periodUp(start.getTime() + windowEndMs, plan.metricPeriodMs) + plan.metricsDelayMs;
    await sleepShowing(run, step, { start, from }, readAt - io.now().getTime());
    const verdict = await judge(run, step, { start, from });
    io.progress.step(`${step.label}: ${describeVerdict(verdict)}`);
    if (verdict.decision !== 'keep-baking')
      return { kind: 'bake', verdict: { ...verdict, decision: verdict.decision } };
    await run.record('observed', { state: step.state, observation: { kind: 'bake', verdict } });
    judgedMs = Math.max(windowEndMs, verdict.elapsedMs);
  }
}

/** When the bake started, and where its figures start (judgedFrom). */
interface BakeTimes {
  readonly start: Date;
  readonly from: Date;
}

async function judge(run: ReleaseRun, step: Bake, { start, from }: BakeTimes): Promise<StepVerdict> {
  const { io, plan, started } = run;
  for (let attempt = 1; ; attempt += 1) {
    // Down to a whole period: the platform widens a range's end up to one, which would read the period still
    // arriving now and leave it out of the next window that starts at this one's end.
    const end = new Date(periodDown(io.now().getTime() - plan.metricsDelayMs, plan.metricPeriodMs));
    const range: TimeRange = { start: from, end };
    try {
      const [candidate, stable, firingPageAlarms] = await Promise.all([
        run.platform.versionMetrics(started.candidate, range, 'live'),
        step.stable === null ? null : run.platform.versionMetrics(step.stable, range, 'live'),
        io.firingPageAlarms(),
      ]);
      return judgeBake({
        plan,
        candidate,
        stable,
        elapsedMs: end.getTime() - start.getTime(),
        bakeMs: step.bakeMs,
        firingPageAlarms,
        ...(io.pageAlarmsNotChecked === undefined ? {} : { pageAlarmsNotChecked: io.pageAlarmsNotChecked }),
      });
    } catch (error) {
      if (attempt >= METRIC_READ_ATTEMPTS) {
        throw new Error(`${step.label}: the metrics or page alarms could not be read ${attempt} times`, {
          cause: error,
        });
      }
      io.progress.step(`${step.label}: figures not read (${describeError(error)}): reading them again`);
      await io.sleep(judgeIntervalMs(step.bakeMs));
    }
  }
}

function describeVerdict(verdict: StepVerdict): string {
  const requests = requestsOf(verdict.candidate);
  const figures = `${requests} requests, p95 ${verdict.candidate.app.latencyP95Ms ?? 'n/a'} ms, after ${seconds(verdict.elapsedMs)}`;
  if (verdict.decision === 'pass') return `passed (${figures})`;
  if (verdict.decision === 'keep-baking') return `keeps baking (${figures})`;
  return `failed: ${verdict.reasons.join('; ')} (${figures})`;
}

/** Sleeps `ms`; on a terminal, in ticks that redraw what the candidate has served so far. */
async function sleepShowing(
  run: ReleaseRun,
  step: Bake,
  { start, from }: BakeTimes,
  ms: number,
): Promise<void> {
  const { io } = run;
  if (ms <= 0) return;
  if (io.progress.redraws !== true) {
    await io.sleep(ms);
    return;
  }
  const until = io.now().getTime() + ms;
  for (let left = ms; left > 0; left = until - io.now().getTime()) {
    await io.sleep(Math.min(left, liveTickMs(step.bakeMs)));
    const served = await run.platform
      .versionMetrics(run.started.candidate, { start: from, end: io.now() }, 'live')
      .then((metrics: VersionMetrics) => `${requestsOf(metrics)} requests`)
      .catch(() => 'requests not read yet');
    const elapsed = io.now().getTime() - start.getTime();
    io.progress.live(
      `${step.label}: ${Math.round(step.weight * 100)} % of live, baking ${seconds(elapsed)} of ${seconds(step.bakeMs)}, ${served}`,
    );
  }
}
