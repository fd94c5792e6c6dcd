/**
 * Journals of one release for the report's tests, written entry by entry the way the orchestrator writes them,
 * for each way a release ends (and one still running). Plain data; nothing here is read by the release itself.
 */
import { evaluateGate } from '../../loadtest/src/gate.ts';
import { aResult } from '../../loadtest/src/test-results.ts';
import type { JournalEntry, VersionMetrics } from '../../platform/src/port.ts';
import { loadTestObjectives } from '../../slo/src/load-test.ts';
import type {
  DriftReport,
  JournalData,
  JournalType,
  JudgeCheck,
  Observation,
  ReleasePlan,
  ReleaseStarted,
  ReleaseState,
  StepVerdict,
} from './model.ts';

export const TEST_PLAN: ReleasePlan = {
  steps: [
    { weight: 0.1, bakeMs: 12_000 },
    { weight: 0.5, bakeMs: 12_000 },
    { weight: 1, bakeMs: 10_000 },
  ],
  minRequests: 200,
  maxBakeMs: 40_000,
  metricsDelayMs: 0,
  metricPeriodMs: 1_000,
  warmTimeoutMs: 60_000,
  pretrafficSeconds: 8,
  drift: { requests: 100, tolerance: 0.001 },
  regression: { latencyRatio: 1.25, latencyMinMs: 5, errorAlpha: 0.01 },
};

const STARTED: ReleaseStarted = {
  releaseId: 'rehearsal-20261130T040000Z',
  functionName: 'shiftgate-predictor',
  candidate: '2',
  stable: '1',
  plan: TEST_PLAN,
  livePc: 4,
  modelChange: false,
  overrideFreeze: null,
  holder: 'test-runner',
  startedAt: '2026-11-30T04:00:00.000Z',
};

/** Appends entries one after another, each `afterSeconds` after the previous one. */
export class JournalBuilder {
  private readonly entries: JournalEntry[] = [];
  private clock = Date.parse(STARTED.startedAt);

  constructor(started: ReleaseStarted = STARTED) {
    this.add('started', started, 0);
  }

  add<T extends JournalType>(type: T, data: JournalData[T], afterSeconds = 1): this {
    this.clock += afterSeconds * 1000;
    this.entries.push({
      sequence: this.entries.length + 1,
      at: new Date(this.clock).toISOString(),
      releaseId: STARTED.releaseId,
      type,
      data,
    });
    return this;
  }

  enter(state: ReleaseState, afterSeconds = 1): this {
    return this.add('state', { state }, afterSeconds);
  }

  saw(state: ReleaseState, observation: Observation, afterSeconds = 1): this {
    return this.add('observed', { state, observation }, afterSeconds);
  }

  /** The alias update as the orchestrator journals it before making it. */
  live(version: string, weights: Record<string, number> = {}): this {
    return this.add('alias-update', { version, weights });
  }

  /** Enters the bake and records its verdict `seconds` later. */
  bake(state: ReleaseState & { name: 'shift' | 'watch' }, verdict: StepVerdict, seconds: number): this {
    return this.saw(state, { kind: 'bake', verdict }, seconds);
  }

  build(): readonly JournalEntry[] {
    return [...this.entries];
  }
}

export function metricsOf(
  version: string,
  figures: { invocations: number; errors?: number; throttles?: number; app5xx?: number; p95?: number | null },
): VersionMetrics {
  const p95 = figures.p95 === undefined ? 40 : figures.p95;
  return {
    version,
    via: 'live',
    range: { start: new Date('2026-11-30T04:01:00.000Z'), end: new Date('2026-11-30T04:01:12.000Z') },
    invocations: figures.invocations,
    errors: figures.errors ?? 0,
    throttles: figures.throttles ?? 0,
    provisionedConcurrencySpilloverInvocations: 0,
    durationP50Ms: p95 === null ? null : p95 / 2,
    durationP95Ms: p95 === null ? null : p95 + 2,
    app: {
      requests2xx: figures.invocations - (figures.app5xx ?? 0),
      requests4xx: 0,
      requests5xx: figures.app5xx ?? 0,
      latencyP50Ms: p95 === null ? null : p95 / 2,
      latencyP95Ms: p95,
    },
  };
}

const passed = (
  name: string,
  against: JudgeCheck['against'],
  objective: string,
  measured: string,
): JudgeCheck => ({
  name,
  against,
  objective,
  measured,
  passed: true,
  reason: null,
});

export function aVerdict(
  decision: StepVerdict['decision'],
  candidate: VersionMetrics,
  stable: VersionMetrics | null,
  failed: JudgeCheck[] = [],
): StepVerdict {
  const checks = [
    passed('evidence', 'evidence', '≥ 200 requests', `${candidate.invocations} requests`),
    passed('latency-p95', 'slo', 'p95 ≤ 80 ms', `${candidate.app.latencyP95Ms} ms`),
    ...(stable ? [passed('latency-p95 vs stable', 'stable', '≤ stable × 1.25 or + 5 ms', '+1.0 ms')] : []),
    ...failed,
  ];
  return {
    decision,
    checks,
    reasons: failed.flatMap((check) => (check.reason ? [check.reason] : [])),
    elapsedMs: 12_000,
    candidate,
    stable,
    spilloverShare: candidate.invocations === 0 ? null : 0,
  };
}

export const ERROR_RATE_FAILED: JudgeCheck = {
  name: 'availability',
  against: 'slo',
  objective: 'bad share not above 0.1 % (α 0.01)',
  measured: '5.00 % (12 of 240)',
  passed: false,
  reason: 'error rate 5.00 % (12 of 240) is significantly above the 0.1 % the availability SLO allows',
};

const DRIFT: DriftReport = {
  compared: 100,
  unanswered: 0,
  tolerance: 0.001,
  maxRelativeDrift: 0.0004,
  beyondTolerance: 0,
  worst: [{ index: 7, stable: [1.25, 2.5], candidate: [1.2505, 2.5], relativeDrift: 0.0004, mismatch: null }],
  withinTolerance: true,
  modelChange: false,
  passed: true,
};

const objectives = loadTestObjectives();
const passedGate = evaluateGate(aResult({ scenario: 'canary' }), objectives);
const failedGate = evaluateGate(
  aResult({ scenario: 'canary', latencyMs: { p50: 120, p90: 140, p95: 150, p99: 170, max: 200 } }),
  objectives,
);

const FREEZE = { checked: false, why: 'the local platform keeps no 28-day history' } as const;

/** Preflight to the end of drift, all passing. */
export function throughDrift(): JournalBuilder {
  return new JournalBuilder(STARTED)
    .enter({ name: 'preflight' })
    .add('observed', {
      state: { name: 'preflight' },
      observation: { kind: 'preflight', proceed: true },
      freeze: FREEZE,
    })
    .enter({ name: 'warm', step: 0 })
    .add('scaling-saved', { previous: null })
    .saw({ name: 'warm', step: 0 }, { kind: 'warm', ready: true }, 3)
    .enter({ name: 'pretraffic' })
    .saw({ name: 'pretraffic' }, { kind: 'pretraffic', verdict: passedGate, reason: null }, 8)
    .enter({ name: 'drift' })
    .saw({ name: 'drift' }, { kind: 'drift', report: DRIFT }, 2);
}

export const SHIFT_0 = { name: 'shift', step: 0 } as const;
const SHIFT_1 = { name: 'shift', step: 1 } as const;
const WATCH = { name: 'watch' } as const;

export function promotedJournal(): readonly JournalEntry[] {
  return throughDrift()
    .enter(SHIFT_0)
    .live('1', { '2': 0.1 })
    .bake(
      SHIFT_0,
      aVerdict('keep-baking', metricsOf('2', { invocations: 120 }), metricsOf('1', { invocations: 1080 })),
      12,
    )
    .bake(
      SHIFT_0,
      aVerdict(
        'pass',
        metricsOf('2', { invocations: 240, errors: 1 }),
        metricsOf('1', { invocations: 2160 }),
      ),
      8,
    )
    .enter({ name: 'warm', step: 1 })
    .saw({ name: 'warm', step: 1 }, { kind: 'warm', ready: true })
    .enter(SHIFT_1)
    .live('1', { '2': 0.5 })
    .bake(
      SHIFT_1,
      aVerdict('pass', metricsOf('2', { invocations: 600, p95: 45 }), metricsOf('1', { invocations: 600 })),
      12,
    )
    .enter({ name: 'warm', step: 2 })
    .saw({ name: 'warm', step: 2 }, { kind: 'warm', ready: true })
    .enter({ name: 'promote' })
    .live('2')
    .saw({ name: 'promote' }, { kind: 'promote', done: true }, 4)
    .enter(WATCH)
    .bake(WATCH, aVerdict('pass', metricsOf('2', { invocations: 1000, throttles: 1, p95: 50 }), null), 10)
    .add('finished', { outcome: 'promoted', reasons: [] })
    .build();
}

export function rolledBackAtFirstStepJournal(): readonly JournalEntry[] {
  const reason = ERROR_RATE_FAILED.reason as string;
  const rollback = { name: 'rollback', outcome: 'rolled-back', reason } as const;
  return throughDrift()
    .enter(SHIFT_0)
    .live('1', { '2': 0.1 })
    .bake(
      SHIFT_0,
      aVerdict(
        'fail',
        metricsOf('2', { invocations: 240, errors: 2, app5xx: 10 }),
        metricsOf('1', { invocations: 2160 }),
        [ERROR_RATE_FAILED],
      ),
      20,
    )
    .enter(rollback)
    .live('1')
    .add('exposure-tail', { candidate: EXPOSURE_TAIL }, 2)
    .saw(rollback, { kind: 'rollback', done: true })
    .add('finished', { outcome: 'rolled-back', reasons: [reason] })
    .build();
}

/** rolledBackAtFirstStepJournal's candidate traffic after its failed verdict until live was back on stable. */
export const EXPOSURE_TAIL: VersionMetrics = {
  ...metricsOf('2', { invocations: 30, errors: 1, app5xx: 2 }),
  range: { start: new Date('2026-11-30T04:01:12.000Z'), end: new Date('2026-11-30T04:01:40.000Z') },
};

export const PRETRAFFIC_REASON = 'the candidate did not keep the SLOs alone: latency-p95 150.0 ms > 80 ms';

export function stoppedByPretrafficJournal(): readonly JournalEntry[] {
  const rollback = {
    name: 'rollback',
    outcome: 'stopped-before-traffic',
    reason: PRETRAFFIC_REASON,
  } as const;
  return new JournalBuilder(STARTED)
    .enter({ name: 'preflight' })
    .saw({ name: 'preflight' }, { kind: 'preflight', proceed: true })
    .enter({ name: 'warm', step: 0 })
    .saw({ name: 'warm', step: 0 }, { kind: 'warm', ready: true }, 3)
    .enter({ name: 'pretraffic' })
    .saw({ name: 'pretraffic' }, { kind: 'pretraffic', verdict: failedGate, reason: PRETRAFFIC_REASON }, 8)
    .enter(rollback)
    .saw(rollback, { kind: 'rollback', done: true })
    .add('finished', { outcome: 'stopped-before-traffic', reasons: [PRETRAFFIC_REASON] })
    .build();
}

export const FROZEN_REASON =
  'the error budget is spent (availability: 130 % of the budget used): release with --override-freeze REASON to go anyway';

export function refusedJournal(): readonly JournalEntry[] {
  return new JournalBuilder(STARTED)
    .enter({ name: 'preflight' })
    .add('observed', {
      state: { name: 'preflight' },
      observation: { kind: 'preflight', proceed: false, reason: FROZEN_REASON },
      freeze: { checked: true, frozen: true, detail: 'availability: 130 % of the budget used' },
    })
    .add('finished', { outcome: 'refused', reasons: [FROZEN_REASON] })
    .build();
}

export const ALREADY_LIVE_REASON = 'version 2 already serves all of live: nothing to release';

/** A deploy that published no new version: live was on the candidate, with no weights, when it started. */
export function alreadyLiveJournal(): readonly JournalEntry[] {
  return new JournalBuilder({ ...STARTED, stable: '2' })
    .enter({ name: 'preflight' })
    .add('observed', {
      state: { name: 'preflight' },
      observation: { kind: 'preflight', proceed: false, reason: ALREADY_LIVE_REASON, alreadyLive: true },
      freeze: { checked: true, frozen: false, detail: 'availability: 40 % of the budget used' },
    })
    .add('finished', { outcome: 'already-live', reasons: [ALREADY_LIVE_REASON] })
    .build();
}

/** Cut off while the second step bakes: its first judgement asked for more requests. */
export function inProgressJournal(): readonly JournalEntry[] {
  return throughDrift()
    .enter(SHIFT_0)
    .live('1', { '2': 0.1 })
    .bake(
      SHIFT_0,
      aVerdict('pass', metricsOf('2', { invocations: 240 }), metricsOf('1', { invocations: 2160 })),
      20,
    )
    .enter({ name: 'warm', step: 1 })
    .saw({ name: 'warm', step: 1 }, { kind: 'warm', ready: true })
    .enter(SHIFT_1)
    .live('1', { '2': 0.5 })
    .bake(
      SHIFT_1,
      aVerdict('keep-baking', metricsOf('2', { invocations: 150 }), metricsOf('1', { invocations: 150 })),
      12,
    )
    .build();
}

export const ROLLBACK_REASON = 'p95 regressed after the deploy';

/** A `rollback` run with no release running: live moved from version 2 back to 1, its PC handed over. */
export function revertedJournal(): readonly JournalEntry[] {
  const revert = { name: 'revert', reason: ROLLBACK_REASON } as const;
  return new JournalBuilder({ ...STARTED, rollback: { reason: ROLLBACK_REASON } })
    .enter(revert)
    .add('scaling-saved', { previous: null })
    .add('pc-change', { qualifier: '1', executions: 4 })
    .live('1')
    .add('pc-change', { qualifier: '1', executions: null }, 5)
    .saw(revert, { kind: 'revert', done: true })
    .add('finished', { outcome: 'reverted', reasons: [ROLLBACK_REASON] })
    .build();
}
