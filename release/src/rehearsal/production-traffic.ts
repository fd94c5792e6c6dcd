/**
 * The rehearsal's production: open-model traffic through live's URL at a steady rate, from before the release
 * until it ends, recorded per second. It is what clients saw while the release moved traffic, measured from the
 * outside (the release judges the platform's own per-version metrics, not this).
 */
import { nodePlanFor } from '../../../loadtest/src/node-runner.ts';
import { type OpenModelRun, runOpenModel } from '../../../loadtest/src/open-model.ts';
import type { ProductionTraffic } from '../report.ts';

/**
 * The open model needs an end; the traffic is stopped when the release ends, long before this. Three hours is as
 * long as the local platform keeps its metrics, so a rehearsal cannot usefully outlast it anyway.
 */
const LONGEST_SECONDS = 3 * 60 * 60;

/** What a finished open-model run recorded, as the report's production section. Pure. */
export function productionTrafficOf(
  target: string,
  ratePerSecond: number,
  run: OpenModelRun,
): ProductionTraffic {
  const summary = run.recorder.summary();
  return {
    target,
    startedAt: run.startedAt.toISOString(),
    durationSeconds: Math.round(run.elapsedSeconds * 1_000) / 1_000,
    ratePerSecond,
    requests: summary.requests,
    errors: summary.errors,
    statusCounts: summary.statusCounts,
    latencyP50Ms: summary.latencyMs.p50,
    latencyP95Ms: summary.latencyMs.p95,
    perSecond: summary.timeline,
  };
}

export interface RunningTraffic {
  /** Stops sending, waits for the answers in flight, and returns what was recorded. */
  stop(): Promise<ProductionTraffic>;
}

/** Starts the traffic at once; its requests and corpus are the load test's (nodePlanFor), at `ratePerSecond`. */
export function startProductionTraffic(liveUrl: string, ratePerSecond: number): RunningTraffic {
  const plan = nodePlanFor({ scenario: 'canary', ratePerSecond, durationSeconds: LONGEST_SECONDS }, liveUrl);
  const stopping = new AbortController();
  const running = runOpenModel(plan, stopping.signal);
  // A failure surfaces in stop(); until then it must not be an unhandled rejection that ends the process.
  running.catch(() => {});
  return {
    stop: async () => {
      stopping.abort();
      return productionTrafficOf(liveUrl, ratePerSecond, await running);
    },
  };
}
