/**
 * A bake: the candidate serves its share of live for the step's bake time, then its metrics (and stable's, over
 * the same minutes) are read once they have arrived and judged (judge.ts). Too little evidence keeps it baking a
 * little longer, up to the plan's limit; every judgement is journaled as it is made, the last one decides. A
 * terminal shows a live line while it bakes.
 */
import { describeError } from '../../common/errors.ts';
import type { TimeRange, VersionMetrics } from '../../platform/src/port.ts';
import { judgeBake, requestsOf } from './judge.ts';
import type { Observation, ReleaseState, StepVerdict } from './model.ts';
import { type ReleaseRun, seconds } from './release-run.ts';

/** A metrics read that fails (CloudWatch's PartialData, a throttle past the SDK's retries) is tried this often. */
const METRIC_READ_ATTEMPTS = 3;

/** Between two judgements of a step that keeps baking, and between two redraws of the live line. */
function rejudgeIntervalMs(bakeMs: number): number {
  return Math.min(60_000, Math.max(1_000, Math.round(bakeMs / 4)));
}
function liveTickMs(bakeMs: number): number {
  return Math.min(30_000, Math.max(1_000, Math.round(bakeMs / 10)));
}

export interface Bake {
  readonly state: ReleaseState & { name: 'shift' | 'watch' };
  readonly label: string;
  readonly weight: number;
  readonly bakeMs: number;
  /** The stable version, judged beside the candidate over the same minutes; null in the watch window. */
  readonly stable: string | null;
}

export async function bake(run: ReleaseRun, step: Bake): Promise<Observation & { kind: 'bake' }> {
  const { io, plan } = run;
  const start = io.now();
  await sleepShowing(run, step, start, step.bakeMs);
  // CloudWatch publishes late: the window judged ends metricsDelayMs ago, so it holds only what has arrived.
  await io.sleep(plan.metricsDelayMs);
  for (;;) {
    const verdict = await judge(run, step, start);
    const observation = { kind: 'bake' as const, verdict };
    io.progress.step(`${step.label}: ${describeVerdict(verdict)}`);
    if (verdict.decision !== 'keep-baking') return observation;
    await run.record('observed', { state: step.state, observation });
    await sleepShowing(run, step, start, rejudgeIntervalMs(step.bakeMs));
  }
}

async function judge(run: ReleaseRun, step: Bake, start: Date): Promise<StepVerdict> {
  const { io, plan, started } = run;
  for (let attempt = 1; ; attempt += 1) {
    const end = new Date(io.now().getTime() - plan.metricsDelayMs);
    const range: TimeRange = { start, end };
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
      });
    } catch (error) {
      if (attempt >= METRIC_READ_ATTEMPTS) {
        throw new Error(`${step.label}: the metrics or page alarms could not be read ${attempt} times`, {
          cause: error,
        });
      }
      io.progress.step(`${step.label}: figures not read (${describeError(error)}): reading them again`);
      await io.sleep(rejudgeIntervalMs(step.bakeMs));
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
async function sleepShowing(run: ReleaseRun, step: Bake, start: Date, ms: number): Promise<void> {
  const { io } = run;
  if (io.progress.redraws !== true) {
    await io.sleep(ms);
    return;
  }
  const until = io.now().getTime() + ms;
  for (let left = ms; left > 0; left = until - io.now().getTime()) {
    await io.sleep(Math.min(left, liveTickMs(step.bakeMs)));
    const served = await run.platform
      .versionMetrics(run.started.candidate, { start, end: io.now() }, 'live')
      .then((metrics: VersionMetrics) => `${requestsOf(metrics)} requests`)
      .catch(() => 'requests not read yet');
    const elapsed = io.now().getTime() - start.getTime();
    io.progress.live(
      `${step.label}: ${Math.round(step.weight * 100)} % of live, baking ${seconds(elapsed)} of ${seconds(step.bakeMs)}, ${served}`,
    );
  }
}
