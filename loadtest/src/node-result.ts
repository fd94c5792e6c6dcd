/** Turns what the Node runner observed into the normalized result. Pure: the run's numbers in, a result out. */
import type { OutcomeRecorder } from './recorder.ts';
import { isTargetRateReached, type LoadTestResult, missingFigures, RESULT_SCHEMA_VERSION } from './result.ts';

export interface NodeRunFacts {
  scenario: string;
  target: string;
  gitSha: string | null;
  startedAt: Date;
  ratePerSecond: number;
  durationSeconds: number;
  sent: number;
  dropped: number;
  summary: ReturnType<OutcomeRecorder['summary']>;
  aborted: boolean;
}

export function buildNodeResult(facts: NodeRunFacts): LoadTestResult {
  const { summary } = facts;
  const achievedRatePerSecond = facts.sent / facts.durationSeconds;
  const targetRateReached = isTargetRateReached(facts.ratePerSecond, achievedRatePerSecond, facts.dropped);
  const notes = [
    'latency measured from each request’s scheduled send time (open model, coordinated omission kept)',
  ];
  if (!targetRateReached) {
    notes.push(
      `target rate NOT reached: ${facts.dropped} of ${facts.sent + facts.dropped} scheduled requests were never ` +
        'sent because the in-flight limit was full; the target (or this machine) cannot sustain the rate',
    );
  }
  if (facts.aborted) notes.push('run interrupted before the end of its schedule');
  const result = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: 'node' as const,
    scenario: facts.scenario,
    target: facts.target,
    gitSha: facts.gitSha,
    startedAt: facts.startedAt.toISOString(),
    durationSeconds: facts.durationSeconds,
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
    notes,
  };
  return { ...result, missing: missingFigures(result) };
}
