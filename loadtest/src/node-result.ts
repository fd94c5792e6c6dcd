/** Turns what the Node runner observed into the normalized result. Pure: the run's numbers in, a result out. */
import type { OutcomeRecorder } from './recorder.ts';
import {
  isTargetRateReached,
  type LoadTestResult,
  type MeasuredSystem,
  missingFigures,
  RESULT_SCHEMA_VERSION,
} from './result.ts';

export interface NodeRunFacts {
  scenario: string;
  target: string;
  system: MeasuredSystem;
  gitSha: string | null;
  startedAt: Date;
  ratePerSecond: number;
  /** Start to last answer, drain included (as k6 counts its test duration). */
  elapsedSeconds: number;
  sent: number;
  dropped: number;
  summary: ReturnType<OutcomeRecorder['summary']>;
  aborted: boolean;
}

export function buildNodeResult(facts: NodeRunFacts): LoadTestResult {
  const { summary } = facts;
  // Answers per second over the whole run: an overloaded target answers slower than it is asked, and the backlog
  // it drains after the schedule ends stretches the run, so its achieved rate falls below the target.
  const achievedRatePerSecond = summary.requests / facts.elapsedSeconds;
  const targetRateReached = isTargetRateReached(facts.ratePerSecond, achievedRatePerSecond, facts.dropped);
  const notes = [
    'latency measured from each request’s scheduled send time (open model, coordinated omission kept)',
  ];
  if (facts.aborted) {
    // An interrupted run did not apply its planned load, whatever the target could have done.
    notes.push(
      `run interrupted before the end of its schedule: ${facts.dropped} scheduled requests not sent`,
    );
  } else if (!targetRateReached) {
    notes.push(
      `target rate NOT reached: ${achievedRatePerSecond.toFixed(1)} of ${facts.ratePerSecond} req/s answered, ` +
        `${facts.dropped} scheduled requests never sent (in-flight limit full); the target cannot sustain the rate`,
    );
  }
  const result = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: 'node' as const,
    scenario: facts.scenario,
    target: facts.target,
    system: facts.system,
    gitSha: facts.gitSha,
    startedAt: facts.startedAt.toISOString(),
    durationSeconds: facts.elapsedSeconds,
    targetRatePerSecond: facts.ratePerSecond,
    achievedRatePerSecond,
    targetRateReached,
    requests: summary.requests,
    droppedRequests: facts.dropped,
    errorRate: summary.requests === 0 ? null : summary.errors / summary.requests,
    statusCounts: summary.statusCounts,
    successfulRequests: summary.successfulRequests,
    latencyMs: summary.latencyMs,
    timeline: summary.timeline,
    latencySamples: summary.latencySamples,
    notes,
  };
  return { ...result, missing: missingFigures(result) };
}
