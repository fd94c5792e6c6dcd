import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../platform/src/port.ts';
import { buildReleaseReport, type ProductionTraffic, releaseReportJson } from './report.ts';
import {
  ALREADY_LIVE_REASON,
  alreadyLiveJournal,
  aVerdict,
  ERROR_RATE_FAILED,
  FROZEN_REASON,
  inProgressJournal,
  metricsOf,
  PRETRAFFIC_REASON,
  promotedJournal,
  ROLLBACK_REASON,
  refusedJournal,
  revertedJournal,
  rolledBackAtFirstStepJournal,
  SHIFT_0,
  stoppedByPretrafficJournal,
  TEST_PLAN,
  throughDrift,
} from './report-test-journals.ts';

const PRODUCTION: ProductionTraffic = {
  target: 'http://127.0.0.1:9000/live',
  startedAt: '2026-11-30T03:59:58.000Z',
  durationSeconds: 90,
  ratePerSecond: 100,
  requests: 9000,
  errors: 3,
  statusCounts: { '200': 8997, '503': 3 },
  latencyP50Ms: 21,
  latencyP95Ms: 48,
  perSecond: [{ second: 0, requests: 100, errors: 0, p50Ms: 20, p95Ms: 40 }],
};

describe('buildReleaseReport', () => {
  it('reports a promoted release: exit 0, full exposure, one step per judged bake and the watch', () => {
    const report = buildReleaseReport(promotedJournal(), { production: PRODUCTION });

    expect(report).toMatchObject({
      schemaVersion: 1,
      releaseId: 'rehearsal-20261130T040000Z',
      candidate: '2',
      stable: '1',
      outcome: 'promoted',
      exitCode: 0,
      reasons: [],
      maxCandidateWeight: 1,
      plan: TEST_PLAN,
      freeze: { checked: false },
      pretraffic: { passed: true, reason: null },
      drift: { compared: 100, passed: true },
      production: PRODUCTION,
    });
    expect(report.finishedAt).toBe(report.timeline.at(-1)?.at);
    expect(report.steps.map((step) => [step.phase, step.index, step.weight, step.decision])).toEqual([
      ['shift', 0, 0.1, 'pass'],
      ['shift', 1, 0.5, 'pass'],
      ['watch', 2, 1, 'pass'],
    ]);
    expect(report.steps[2]?.stable).toBeNull();
    // 240 + 600 + (1000 invocations + 1 throttle); bad: 1 error, then the throttle.
    expect(report.candidateRequests).toBe(1841);
    expect(report.candidateErrors).toBe(2);
    expect(report.exposureTail).toBeNull();
    // Each step's bad requests split by kind: the watch's one is a throttle.
    expect(report.steps[2]?.candidate).toMatchObject({ bad: 1, errors: 0, throttles: 1, requests5xx: 0 });
  });

  it('counts a bake judged again after keep-baking once, by its final judgement', () => {
    const report = buildReleaseReport(promotedJournal());
    const enteredAt = report.timeline.find((event) => event.event === 'shift 1/3 (10 %)')?.at;

    expect(report.steps[0]).toMatchObject({ startedAt: enteredAt, decision: 'pass' });
    expect(report.steps[0]?.candidate.requests).toBe(240);
    expect(report.steps[0]?.stable?.requests).toBe(2160);
  });

  it('counts both bakes of a step entered again after a crash: their minutes are different', () => {
    const entries = throughDrift()
      .enter(SHIFT_0)
      .live('1', { '2': 0.1 })
      .bake(SHIFT_0, aVerdict('keep-baking', metricsOf('2', { invocations: 90 }), null), 9)
      .enter(SHIFT_0, 30)
      .bake(SHIFT_0, aVerdict('pass', metricsOf('2', { invocations: 240, errors: 1 }), null), 20)
      .build();

    const report = buildReleaseReport(entries);

    expect(report.steps.map((step) => step.decision)).toEqual(['keep-baking', 'pass']);
    expect(report.candidateRequests).toBe(330);
    expect(report.candidateErrors).toBe(1);
  });

  it('reports a roll back at the first step: exposure no higher than that step, the failed check and its reason', () => {
    const report = buildReleaseReport(rolledBackAtFirstStepJournal());

    expect(report).toMatchObject({
      outcome: 'rolled-back',
      exitCode: 3,
      reasons: [ERROR_RATE_FAILED.reason],
      maxCandidateWeight: 0.1,
      // The failed bake's 240 and 12, and the 30 and 3 served until live was back on stable.
      candidateRequests: 270,
      candidateErrors: 15,
      exposureTail: {
        window: { start: '2026-11-30T04:01:12.000Z', end: '2026-11-30T04:01:40.000Z' },
        candidate: { requests: 30, bad: 3, errors: 1, throttles: 0, requests5xx: 2 },
      },
    });
    expect(report.steps).toHaveLength(1);
    expect(report.steps[0]?.decision).toBe('fail');
    expect(report.steps[0]?.checks).toContainEqual(ERROR_RATE_FAILED);
    expect(report.timeline.at(-1)).toMatchObject({ kind: 'finished', event: 'rolled-back', weight: 0 });
  });

  it('reports a release stopped by the pre-traffic gate: nothing shifted, nothing judged, the gate failed', () => {
    const report = buildReleaseReport(stoppedByPretrafficJournal());

    expect(report).toMatchObject({
      outcome: 'stopped-before-traffic',
      exitCode: 4,
      reasons: [PRETRAFFIC_REASON],
      maxCandidateWeight: 0,
      candidateRequests: 0,
      candidateErrors: 0,
      steps: [],
      drift: null,
      freeze: null,
      pretraffic: { passed: false, reason: PRETRAFFIC_REASON },
    });
    expect(report.pretraffic?.checks.find((check) => check.name === 'latency-p95')?.passed).toBe(false);
    expect(report.timeline.some((event) => event.kind === 'alias-update')).toBe(false);
  });

  it("reports a rollback run as kind rollback, live's version at 100 % until it moved back", () => {
    const report = buildReleaseReport(revertedJournal());
    expect(report).toMatchObject({
      kind: 'rollback',
      outcome: 'reverted',
      exitCode: 0,
      reasons: [ROLLBACK_REASON],
      candidate: '2',
      stable: '1',
      maxCandidateWeight: 0,
      steps: [],
      exposureTail: null,
    });
    expect(report.timeline.map((event) => [event.event, event.weight])).toEqual([
      ['revert', 1],
      ['provisioned concurrency 4 put on 1', 1],
      ['live → 1', 0],
      ['provisioned concurrency removed from 1', 0],
      ['reverted', 0],
    ]);
    expect(buildReleaseReport(promotedJournal()).kind).toBe('release');
  });

  it('reports a refused release with the freeze that refused it', () => {
    const report = buildReleaseReport(refusedJournal());

    expect(report).toMatchObject({
      outcome: 'refused',
      exitCode: 5,
      reasons: [FROZEN_REASON],
      state: 'preflight',
      freeze: { checked: true, frozen: true },
      pretraffic: null,
      maxCandidateWeight: 0,
    });
  });

  it('reports a release with nothing to release: exit 0, live on the candidate throughout, nothing it gave it', () => {
    const report = buildReleaseReport(alreadyLiveJournal());
    expect(report).toMatchObject({
      kind: 'release',
      outcome: 'already-live',
      exitCode: 0,
      reasons: [ALREADY_LIVE_REASON],
      candidate: '2',
      stable: '2',
      maxCandidateWeight: 0,
      steps: [],
    });
    expect(report.timeline.map((event) => [event.event, event.weight])).toEqual([
      ['preflight', 1],
      ['already-live', 1],
    ]);
  });

  it('reports a release still running (or cut off): no outcome, where it stands, the bake so far', () => {
    const entries = inProgressJournal();
    const report = buildReleaseReport(entries, { now: new Date('2026-11-30T04:02:00.000Z') });

    expect(report).toMatchObject({
      outcome: null,
      exitCode: null,
      finishedAt: null,
      reasons: [],
      state: 'shift 2/3 (50 %)',
      maxCandidateWeight: 0.5,
      reportedAt: '2026-11-30T04:02:00.000Z',
    });
    expect(report.steps.map((step) => step.decision)).toEqual(['pass', 'keep-baking']);
    expect(buildReleaseReport(entries).reportedAt).toBe(entries.at(-1)?.at);
  });

  it('lists every state entered and every alias update in order, with the candidate weight after each', () => {
    const timeline = buildReleaseReport(promotedJournal()).timeline;

    expect(timeline.filter((event) => event.kind === 'alias-update')).toMatchObject([
      { event: 'live → 1 with 2 at 0.1', weight: 0.1 },
      { event: 'live → 1 with 2 at 0.5', weight: 0.5 },
      { event: 'live → 2', weight: 1 },
    ]);
    expect(timeline.filter((event) => event.kind === 'state').map((event) => event.event)).toEqual([
      'preflight',
      'warm 1/3 (10 %)',
      'pretraffic',
      'drift',
      'shift 1/3 (10 %)',
      'warm 2/3 (50 %)',
      'shift 2/3 (50 %)',
      'warm 3/3 (100 %)',
      'promote',
      'watch',
    ]);
    const times = timeline.map((event) => Date.parse(event.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('records an abort with who asked and why', () => {
    const entries = [
      ...inProgressJournal(),
      {
        sequence: 99,
        at: '2026-11-30T04:03:00.000Z',
        releaseId: 'rehearsal-20261130T040000Z',
        type: 'abort-requested',
        data: { reason: 'pager went off', by: 'alice' },
      },
    ];
    const report = buildReleaseReport(entries);
    expect(report.abort).toEqual({ at: '2026-11-30T04:03:00.000Z', reason: 'pager went off', by: 'alice' });
    expect(report.timeline.at(-1)).toMatchObject({ kind: 'abort-requested', weight: 0.5 });
  });

  it('builds the same report from a journal read back from JSON (dates as strings)', () => {
    const entries = promotedJournal();
    expect(buildReleaseReport(JSON.parse(JSON.stringify(entries)))).toEqual(buildReleaseReport(entries));
  });

  it.each([
    ['an empty journal', [], 'journal is empty'],
    ['a journal without its start', promotedJournal().slice(1), 'journal entry 2 (state)'],
    [
      'entries of two releases',
      [
        ...promotedJournal(),
        { ...(promotedJournal()[1] as JournalEntry), sequence: 1000, releaseId: 'other' },
      ],
      'journal entry 1000 (state) of release other is malformed: releaseId is other, not rehearsal-20261130T040000Z',
    ],
    [
      'a judged bake without its invocations',
      rolledBackAtFirstStepJournal().map((entry) =>
        entry.type === 'observed' &&
        (entry.data as { observation: { kind: string } }).observation.kind === 'bake'
          ? { ...entry, data: JSON.parse(JSON.stringify(entry.data).replace('"invocations":240,', '')) }
          : entry,
      ),
      'data.observation.verdict.candidate.invocations',
    ],
  ])('refuses %s, naming what it found', (_name, entries, found) => {
    expect(() => buildReleaseReport(entries)).toThrow(found);
  });
});

describe('releaseReportJson', () => {
  it('writes JSON that reads back as the same report, ending in a newline', () => {
    const report = buildReleaseReport(promotedJournal(), { production: PRODUCTION });
    const json = releaseReportJson(report);
    expect(json.endsWith('}\n')).toBe(true);
    expect(JSON.parse(json)).toEqual(report);
  });
});
