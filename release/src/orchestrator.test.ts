import { describe, expect, it } from 'vitest';
import { platformSizeFor } from '../../loadtest/src/local-platform-plan.ts';
import { SCENARIOS } from '../../loadtest/src/scenarios.ts';
import { aResult } from '../../loadtest/src/test-results.ts';
import { AwsCallError } from '../../platform/src/aws/aws-call.ts';
import type { TimeRange } from '../../platform/src/port.ts';
import { wholePeriods } from '../../platform/src/whole-periods.ts';
import { dataOf } from './journal.ts';
import { CRASH_STATES } from './machine.ts';
import type { ReleasePlan } from './model.ts';
import { abortRelease, releaseStatus, resumeRelease, startRelease } from './orchestrator.ts';
import { type MemoryIoScript, memoryIo, predictionAnswer } from './testing/memory-io.ts';
import { metricsOf, steadyTraffic } from './testing/memory-metrics.ts';
import { FakeClock, type MemoryPlatform } from './testing/memory-platform.ts';
import { LAMBDA_READS, onMockedAws } from './testing/mocked-aws-release.ts';
import {
  candidateErrors,
  consistentEnd,
  crashAt,
  endState,
  expectConsistent,
  expectJournaledFirst,
  failsTheWatch,
  MINUTE,
  PLAN,
  rejection,
  request,
  SCALING,
  setup,
} from './testing/release-fixtures.ts';

const statesOf = (platform: MemoryPlatform) =>
  platform.releaseRecord.entries.flatMap((entry) => {
    const data = dataOf(entry, 'state');
    return data
      ? [
          data.state.name === 'warm' || data.state.name === 'shift'
            ? `${data.state.name} ${data.state.step}`
            : data.state.name,
        ]
      : [];
  });

/** The judgements journaled for the first shift's bake, in order. */
const firstStepVerdicts = (platform: MemoryPlatform) =>
  platform.releaseRecord.entries.flatMap((entry) => {
    const observed = dataOf(entry, 'observed');
    return observed?.observation.kind === 'bake' &&
      observed.state.name === 'shift' &&
      observed.state.step === 0
      ? [observed.observation.verdict]
      : [];
  });

/** A fake clock whose every sleep ends 7 s late. */
class WakingLateClock extends FakeClock {
  override sleep(ms: number): Promise<void> {
    return super.sleep(ms + 7_000);
  }
}

describe('startRelease', () => {
  it('promotes a healthy candidate step by step, journaling every change before making it', async () => {
    const { platform, io } = setup();
    const report = await startRelease(io, request());
    expect(report).toMatchObject({
      outcome: 'promoted',
      exitCode: 0,
      maxCandidateWeight: 1,
      candidate: '2',
      stable: '1',
    });
    expect(statesOf(platform)).toEqual([
      'preflight',
      'warm 0',
      'pretraffic',
      'drift',
      'shift 0',
      'warm 1',
      'shift 1',
      'warm 2',
      'promote',
      'watch',
    ]);
    await expectConsistent(platform, '2');
    expectJournaledFirst(platform);
    // The candidate's own PC sized to each step's share of live's, the first also to the canary's rate alone.
    const puts = platform.changes.flatMap(({ change }) =>
      change.kind === 'put-pc' ? [change.executions] : [],
    );
    const forCanary = platformSizeFor(SCENARIOS.canary.ratePerSecond).provisionedEnvironments;
    expect(puts).toEqual([Math.max(2, forCanary), 10, 20]);
    expect(io.pretrafficRuns).toEqual([{ url: 'http://v2.memory.test', seconds: PLAN.pretrafficSeconds }]);
    expect(report.steps.map((step) => step.decision)).toEqual(['pass', 'pass', 'pass']);
    expect(report.timeline.map((event) => event.event)).toContain('provisioned concurrency 20 put on 2');
  });

  it('stops before traffic when the candidate fails the pre-traffic gate, with 0 % shifted', async () => {
    const { platform, io } = setup(
      {},
      { pretraffic: aResult({ latencyMs: { p50: 20, p90: 90, p95: 150, p99: 200, max: 300 } }) },
    );
    const report = await startRelease(io, request());
    expect(report).toMatchObject({ outcome: 'stopped-before-traffic', exitCode: 4, maxCandidateWeight: 0 });
    expect(report.reasons.join()).toMatch(/latency-p95/);
    expect(platform.changes.some(({ change }) => change.kind === 'alias')).toBe(false);
    await expectConsistent(platform, '1');
  });

  it("stops before traffic when the candidate PC fails, with Lambda's reason", async () => {
    const { platform, io } = setup({ pcFailure: (q) => (q === '2' ? 'Insufficient concurrency' : null) });
    const report = await startRelease(io, request());
    expect(report).toMatchObject({ outcome: 'stopped-before-traffic', maxCandidateWeight: 0 });
    expect(report.reasons.join()).toMatch(/FAILED: Insufficient concurrency/);
    await expectConsistent(platform, '1');
  });

  it('stops before traffic on prediction drift, unless the release declares a model change', async () => {
    const drifting: MemoryIoScript = {
      answer: (url) => predictionAnswer(url.includes('v2') ? 1.2 : 1),
    };
    const stopped = setup({}, drifting);
    expect(await startRelease(stopped.io, request())).toMatchObject({ outcome: 'stopped-before-traffic' });
    await expectConsistent(stopped.platform, '1');
    const declared = setup({}, drifting);
    const report = await startRelease(declared.io, request({ modelChange: true }));
    expect(report).toMatchObject({ outcome: 'promoted', drift: { withinTolerance: false, passed: true } });
  });

  it('rolls back at the first step when the candidate errs, never beyond its weight', async () => {
    const { platform, io } = setup({ metrics: candidateErrors(0.05) });
    const report = await startRelease(io, request());
    expect(report).toMatchObject({ outcome: 'rolled-back', exitCode: 3, maxCandidateWeight: 0.1 });
    expect(statesOf(platform)).toEqual(['preflight', 'warm 0', 'pretraffic', 'drift', 'shift 0', 'rollback']);
    await expectConsistent(platform, '1');
    expectJournaledFirst(platform);
  });

  it("counts a rolled-back candidate's traffic after its last verdict, read once live is back and its minutes arrived", async () => {
    const reads: { at: number; range: TimeRange }[] = [];
    const erring = candidateErrors(0.05);
    const { platform, io } = setup({
      // The fake platform's traffic follows live as it is when read: what the candidate served before live was
      // back is given as such to the one read made after.
      metrics: (version, range, via, memory) => {
        if (version !== '2') return erring(version, range, via, memory);
        reads.push({ at: memory.clock.now().getTime(), range });
        return memory.shareOf('2') === 0
          ? metricsOf(version, range, via, { invocations: 37, errors: 2 })
          : erring(version, range, via, memory);
      },
    });
    const report = await startRelease(io, request());
    expect(report.outcome).toBe('rolled-back');
    const entries = platform.releaseRecord.entries;
    const tails = entries.flatMap((entry) => dataOf(entry, 'exposure-tail') ?? []);
    expect(tails).toHaveLength(1);
    const tail = tails[0]?.candidate;
    const lastJudged = firstStepVerdicts(platform).at(-1);
    const backAt = Date.parse(entries.findLast((entry) => entry.type === 'alias-update')?.at ?? '');
    // From where the last verdict ended to a whole period after live was sent back, read metricsDelayMs later.
    expect(new Date(tail?.range.start ?? Number.NaN)).toEqual(
      new Date(lastJudged?.candidate.range.end ?? ''),
    );
    expect(new Date(tail?.range.end ?? Number.NaN).getTime()).toBeGreaterThanOrEqual(backAt);
    const tailRead = reads.find(
      ({ range }) => range.start.getTime() === new Date(tail?.range.start ?? '').getTime(),
    );
    expect(tailRead?.at).toBeGreaterThanOrEqual(
      new Date(tail?.range.end ?? '').getTime() + PLAN.metricsDelayMs,
    );
    expect(report.exposureTail?.candidate).toMatchObject({ requests: 37, bad: 2 });
    const judged = (figure: 'requests' | 'bad') =>
      report.steps.reduce((sum, step) => sum + step.candidate[figure], 0);
    expect(report.candidateRequests).toBe(judged('requests') + 37);
    expect(report.candidateErrors).toBe(judged('bad') + 2);
  });

  it('reads the exposure tail once: a roll back cut off after journaling it does not read it again', async () => {
    const { platform, io } = setup({ metrics: candidateErrors(0.05) });
    const { releaseRecord } = platform;
    const append = releaseRecord.append.bind(releaseRecord);
    let cut = false;
    // Killed right after the tail is journaled, before the roll back's own observation.
    releaseRecord.append = async (entry, expectedSequence) => {
      if (!cut && releaseRecord.entries.at(-1)?.type === 'exposure-tail') {
        cut = true;
        throw new Error('killed');
      }
      return append(entry, expectedSequence);
    };
    await rejection(startRelease(io, request()));
    expect(cut).toBe(true);
    expect((await resumeRelease(memoryIo(platform), 'resumer')).outcome).toBe('rolled-back');
    expect(releaseRecord.entries.filter((entry) => entry.type === 'exposure-tail')).toHaveLength(1);
    await expectConsistent(platform, '1');
  });

  it('rolls back all the same when the exposure tail cannot be read, and says the exposure is the judged one', async () => {
    const erring = candidateErrors(0.05);
    const { platform, io } = setup({
      // Only the tail is read with live back on stable: every bake reads while the candidate has its weight.
      metrics: (version, range, via, memory) => {
        if (version === '2' && memory.shareOf('2') === 0) throw new Error('GetMetricData throttled');
        return erring(version, range, via, memory);
      },
    });
    const report = await startRelease(io, request());
    expect(report.outcome).toBe('rolled-back');
    expect(report.exposureTail).toBeNull();
    expect(report.reasons.at(-1)).toMatch(
      /traffic after its last judgement .* could not be read \(GetMetricData throttled\): the exposure counts its judged requests only/,
    );
    await expectConsistent(platform, '1');
  });

  it('reads no exposure tail for a release stopped before the candidate had traffic', async () => {
    const { platform, io } = setup(
      {},
      { pretraffic: aResult({ latencyMs: { p50: 20, p90: 90, p95: 150, p99: 200, max: 300 } }) },
    );
    expect((await startRelease(io, request())).outcome).toBe('stopped-before-traffic');
    expect(platform.releaseRecord.entries.some((entry) => entry.type === 'exposure-tail')).toBe(false);
  });

  it('rolls back from the watch window by handing live and its PC back to the stable version', async () => {
    const { platform, io } = setup({ metrics: failsTheWatch() });
    const report = await startRelease(io, request());
    expect(report).toMatchObject({ outcome: 'rolled-back', maxCandidateWeight: 1 });
    expect(statesOf(platform).slice(-3)).toEqual(['promote', 'watch', 'rollback']);
    await expectConsistent(platform, '1');
    expectJournaledFirst(platform);
  });

  it("moves live back from the watch window even when the stable version's own PC FAILED", async () => {
    // Lambda's handover keeps live's traffic on the candidate until live's PC is READY on the stable version.
    const { platform, io } = setup({
      metrics: failsTheWatch(),
      pcFailure: (qualifier) => (qualifier === '1' ? 'Insufficient concurrency' : null),
    });
    const report = await startRelease(io, request());
    expect(report).toMatchObject({ outcome: 'rolled-back', maxCandidateWeight: 1 });
    expect(io.steps.join('\n')).toMatch(/on 1 FAILED: Insufficient concurrency: moving live to 1 anyway/);
    await expectConsistent(platform, '1');
    expectJournaledFirst(platform);
  });

  it('does not finish a roll back while live still serves the candidate: it stops holding the lock, and a resume finishes it', async () => {
    // Lambda takes far longer than the plan waits to hand live's PC back to the stable version.
    const handBackMs = 10 * PLAN.warmTimeoutMs;
    const { platform, io } = setup({
      metrics: failsTheWatch(),
      handoverMs: (primary) => (primary === '1' ? handBackMs : 5_000),
    });
    const error = await rejection(startRelease(io, request()));
    expect(error.message).toMatch(/stopped in rollback \(rolled-back\); it still holds the lock/);
    expect((error.cause as Error).message).toMatch(
      /not put live back on 1 alone: live is on version 1 with weights \{"2":1\}/,
    );
    expect(platform.releaseRecord.lock?.releaseId).toBe('r-1');
    expect((await releaseStatus(io)).report?.outcome).toBeNull();
    // Nothing was removed after live was sent back: the version serving it keeps what it has.
    const sentBack = platform.changes.findLastIndex(({ change }) => change.kind === 'alias');
    expect(platform.changes.slice(sentBack + 1).map(({ change }) => change.kind)).toEqual([]);
    await platform.clock.sleep(handBackMs);
    expect((await resumeRelease(memoryIo(platform), 'resumer')).outcome).toBe('rolled-back');
    await expectConsistent(platform, '1');
    expectJournaledFirst(platform);
  });

  it("stops before traffic when the candidate PC is not READY within the plan's timeout", async () => {
    const { platform, io } = setup({ pcReadyAfterMs: PLAN.warmTimeoutMs * 2 });
    const report = await startRelease(io, request());
    expect(report).toMatchObject({ outcome: 'stopped-before-traffic', maxCandidateWeight: 0 });
    expect(report.reasons.join()).toMatch(/on 2 is still IN_PROGRESS/);
    await expectConsistent(platform, '1');
  });

  it('reads figures again when a read fails, rather than judging without them', async () => {
    const steady = steadyTraffic(50);
    let failures = 1;
    const { io } = setup({
      metrics: (...args) => {
        if (failures > 0) {
          failures -= 1;
          throw new Error('PartialData');
        }
        return steady(...args);
      },
    });
    expect((await startRelease(io, request())).outcome).toBe('promoted');
    expect(io.steps.join('\n')).toMatch(/figures not read \(PartialData\): reading them again/);
  });

  it('keeps baking until the minimum requests arrived, then judges', async () => {
    // 10 req/s through live: the candidate's 10 % reaches 200 requests after 200 s of a 60 s bake.
    const { platform, io } = setup({ metrics: steadyTraffic(10) });
    const report = await startRelease(io, request());
    expect(report.outcome).toBe('promoted');
    const verdicts = firstStepVerdicts(platform);
    const last = verdicts.at(-1);
    expect(last?.decision).toBe('pass');
    expect(last?.candidate.invocations).toBeGreaterThanOrEqual(PLAN.minRequests);
    const waited = verdicts.slice(0, -1);
    expect(waited.some((verdict) => verdict.elapsedMs >= (PLAN.steps[0]?.bakeMs ?? 0))).toBe(true);
    expect(waited.every((verdict) => verdict.decision === 'keep-baking')).toBe(true);
  });

  it('judges a healthy step during its bake, and passes it only once its minimum bake is over', async () => {
    // 50 req/s: the candidate's 10 % has its 200 requests after 40 s, before the 60 s bake is over.
    const { platform, io } = setup();
    await startRelease(io, request());
    const verdicts = firstStepVerdicts(platform);
    const bakeMs = PLAN.steps[0]?.bakeMs ?? 0;
    expect(verdicts.map((verdict) => verdict.decision)).toEqual([
      'keep-baking',
      'keep-baking',
      'keep-baking',
      'pass',
    ]);
    const enoughButEarly = verdicts[2];
    expect(enoughButEarly?.candidate.invocations).toBeGreaterThanOrEqual(PLAN.minRequests);
    expect(enoughButEarly?.elapsedMs).toBeLessThan(bakeMs);
    expect(verdicts.at(-1)?.elapsedMs).toBe(bakeMs);
  });

  it("reads only whole metric periods at least metricsDelayMs old: CloudWatch's minute, read 3 minutes late", async () => {
    const plan: ReleasePlan = {
      ...PLAN,
      steps: PLAN.steps.map((step) => ({ ...step, bakeMs: 5 * MINUTE })),
      maxBakeMs: 30 * MINUTE,
      metricsDelayMs: 3 * MINUTE,
      metricPeriodMs: MINUTE,
    };
    // The platforms widen a range to whole periods, as CloudWatch counts them; the clock starts mid-minute, and
    // every sleep wakes late, as on a busy machine.
    const reads: { at: number; requested: TimeRange; read: TimeRange }[] = [];
    const steady = steadyTraffic(50);
    const { platform, io } = setup(
      {
        clock: new WakingLateClock(Date.parse('2026-11-30T00:00:17.000Z')),
        metrics: (version, requested, via, memory) => {
          const read = wholePeriods(requested, plan.metricPeriodMs);
          reads.push({ at: memory.clock.now().getTime(), requested, read });
          return steady(version, read, via, memory);
        },
      },
      {},
    );
    expect((await startRelease(io, request({ plan }))).outcome).toBe('promoted');
    expect(reads.length).toBeGreaterThan(0);
    for (const { at, requested, read } of reads) {
      expect(read).toEqual(requested);
      expect(read.end.getTime()).toBeLessThanOrEqual(at - plan.metricsDelayMs);
    }
    const journaledEnds = platform.releaseRecord.entries.flatMap((entry) => {
      const observed = dataOf(entry, 'observed');
      return observed?.observation.kind === 'bake'
        ? [new Date(observed.observation.verdict.candidate.range.end).getTime()]
        : [];
    });
    expect(journaledEnds.every((end) => end % plan.metricPeriodMs === 0)).toBe(true);
  });

  it('judges the traffic between bakes: each bake starts its figures where the last judged window ended', async () => {
    const { io } = setup();
    const report = await startRelease(io, request());
    expect(report.outcome).toBe('promoted');
    const windows = report.steps.map((step) => step.window);
    expect(windows).toHaveLength(3);
    // The first bake's window starts as it does; every later one where the one before ended, so warming the next
    // step, the shift and the promotion's handover are judged, and their requests counted in the report.
    expect(windows[0]?.start).toBe(report.steps[0]?.startedAt);
    for (let index = 1; index < windows.length; index += 1) {
      expect(windows[index]?.start).toBe(windows[index - 1]?.end);
      expect(Date.parse(windows[index]?.start ?? '')).toBeLessThan(
        Date.parse(report.steps[index]?.startedAt ?? ''),
      );
    }
    // Each step's minimum bake still counts from its own start.
    expect(report.steps.map((step) => step.elapsedMs)).toEqual(PLAN.steps.map((step) => step.bakeMs));
    const judged = report.steps.map((step) => step.candidate.requests);
    expect(report.candidateRequests).toBe(judged.reduce((sum, requests) => sum + requests, 0));
    // A bake stopped after its second judgement restarts where that one ended: no minute counted twice or left out.
    const cut = setup();
    let reads = 0;
    const versionMetrics = cut.platform.versionMetrics.bind(cut.platform);
    cut.platform.versionMetrics = async (...args) => {
      if (args[0] === '2' && ++reads > 2) throw new Error('CloudWatch is down');
      return versionMetrics(...args);
    };
    await rejection(startRelease(cut.io, request()));
    cut.platform.versionMetrics = versionMetrics;
    const resumed = await resumeRelease(memoryIo(cut.platform), 'resumer');
    const tiles = resumed.steps.map((step) => step.window);
    for (let index = 1; index < tiles.length; index += 1) {
      expect(tiles[index]?.start).toBe(tiles[index - 1]?.end);
    }
    expect(resumed.steps.map((step) => step.phase)).toEqual(['shift', 'shift', 'shift', 'watch']);
  });

  it.each([
    { name: 'a 5 % error rate', metrics: candidateErrors(0.05) },
    // A quiet function: the candidate's 10 % is one request every 5 s, half of them failing.
    { name: 'a quiet function failing half its requests', metrics: candidateErrors(0.5, 2) },
  ])(
    'rolls back at the first judgement that shows harm, before the minimum bake and requests: $name',
    async ({ metrics }) => {
      const { platform, io } = setup({ metrics });
      const releaseStarted = io.now().getTime();
      const report = await startRelease(io, request());
      expect(report).toMatchObject({ outcome: 'rolled-back', maxCandidateWeight: 0.1 });
      const verdicts = firstStepVerdicts(platform);
      expect(verdicts).toHaveLength(1);
      const [failed] = verdicts;
      expect(failed?.decision).toBe('fail');
      expect(failed?.elapsedMs).toBeLessThan(PLAN.steps[0]?.bakeMs ?? 0);
      expect(failed?.candidate.invocations).toBeLessThan(PLAN.minRequests);
      expect(report.reasons.join()).toMatch(/significantly/);
      // The whole release, its roll back included, is over before a step could have reached the plan's limit.
      expect(io.now().getTime() - releaseStarted).toBeLessThan(PLAN.maxBakeMs);
      await expectConsistent(platform, '1');
    },
  );

  it("rolls back a step that never gets enough requests within the plan's limit", async () => {
    const { platform, io } = setup({ metrics: steadyTraffic(2) });
    const report = await startRelease(io, request());
    expect(report).toMatchObject({ outcome: 'rolled-back', maxCandidateWeight: 0.1 });
    expect(report.reasons.join()).toMatch(/too little evidence/);
    await expectConsistent(platform, '1');
  });

  it('rolls back when a page alarm fires', async () => {
    const { platform, io } = setup({}, { firingPageAlarms: () => ['predictor-page'] });
    const report = await startRelease(io, request());
    expect(report).toMatchObject({ outcome: 'rolled-back', maxCandidateWeight: 0.1 });
    expect(report.reasons.join()).toMatch(/predictor-page/);
    await expectConsistent(platform, '1');
  });

  it('says on every step that page alarms were not checked, and why', async () => {
    const { io } = setup({}, { pageAlarmsNotChecked: 'not checked: --no-page-alarms' });
    const report = await startRelease(io, request());
    const alarmChecks = report.steps.map((step) => step.checks.find((check) => check.name === 'page-alarms'));
    expect(alarmChecks).toHaveLength(3);
    for (const check of alarmChecks) {
      expect(check).toMatchObject({ measured: null, reason: 'not checked: --no-page-alarms' });
    }
  });

  it('refuses while the error budget is spent, changing nothing', async () => {
    const frozen = async () => ({
      checked: true as const,
      frozen: true,
      detail: 'availability budget overspent',
    });
    const { platform, io } = setup({}, { freeze: frozen });
    const report = await startRelease(io, request());
    expect(report).toMatchObject({ outcome: 'refused', exitCode: 5, maxCandidateWeight: 0 });
    expect(report.reasons.join()).toMatch(/override-freeze/);
    expect(platform.changes).toEqual([]);
    expect(platform.releaseRecord.lock).toBeNull();
  });

  it('goes on while frozen with --override-freeze, and records the reason', async () => {
    const frozen = async () => ({
      checked: true as const,
      frozen: true,
      detail: 'availability budget overspent',
    });
    const { io } = setup({}, { freeze: frozen });
    const report = await startRelease(io, request({ overrideFreeze: 'hotfix for the outage' }));
    expect(report).toMatchObject({
      outcome: 'promoted',
      overrideFreeze: 'hotfix for the outage',
      freeze: { frozen: true },
    });
  });

  it('refuses when the budget cannot be read, unless overridden', async () => {
    const unreadable = async () => {
      throw new Error('AccessDenied on GetMetricData');
    };
    const refused = setup({}, { freeze: unreadable });
    const report = await startRelease(refused.io, request());
    expect(report.outcome).toBe('refused');
    expect(report.reasons.join()).toMatch(/AccessDenied.*--override-freeze/);
    const overridden = setup({}, { freeze: unreadable });
    expect(
      await startRelease(overridden.io, request({ overrideFreeze: 'CloudWatch is down' })),
    ).toMatchObject({
      outcome: 'promoted',
      freeze: { checked: false },
    });
    // Nothing to release: an unreadable budget has nothing to stop, so a docs-only push still passes.
    const nothingToRelease = setup({ live: '2' }, { freeze: unreadable });
    expect(await startRelease(nothingToRelease.io, request())).toMatchObject({
      outcome: 'already-live',
      exitCode: 0,
      freeze: { checked: false },
    });
    expect(nothingToRelease.platform.changes).toEqual([]);
    expect(nothingToRelease.platform.releaseRecord.lock).toBeNull();
  });

  it('ends a candidate that already serves all of live as already-live (exit 0): journaled, nothing changed, lock free', async () => {
    const { platform, io } = setup({ live: '2' });
    const before = await endState(platform);
    const report = await startRelease(io, request());
    expect(report).toMatchObject({
      outcome: 'already-live',
      exitCode: 0,
      reasons: ['version 2 already serves all of live: nothing to release'],
      maxCandidateWeight: 0,
    });
    expect(platform.changes).toEqual([]);
    expect(await endState(platform)).toEqual(before);
    await expectConsistent(platform, '2');
    // Journaled as a refusal is: started, preflight and what it saw, finished.
    expect(platform.releaseRecord.entries.map((entry) => entry.type)).toEqual([
      'started',
      'state',
      'observed',
      'finished',
    ]);
  });

  it('ends already-live on AWS by reads alone', async () => {
    const { io, releaseRecord, lambdaCalls } = onMockedAws(['1']);
    const report = await startRelease(io, request({ candidate: '1' }));
    expect(report).toMatchObject({ outcome: 'already-live', exitCode: 0 });
    expect(lambdaCalls().filter((call) => !LAMBDA_READS.includes(call))).toEqual([]);
    expect(releaseRecord.lock).toBeNull();
  });

  it('ends a candidate already live as already-live in a freeze, refuses it with weights, changing nothing', async () => {
    const frozen = async () => ({
      checked: true as const,
      frozen: true,
      detail: 'availability budget overspent',
    });
    const whileFrozen = setup({ live: '2' }, { freeze: frozen });
    // Nothing to release moves no traffic, so the freeze has nothing to stop: a docs-only push passes in a freeze.
    const frozenNoop = await startRelease(whileFrozen.io, request());
    expect(frozenNoop).toMatchObject({ outcome: 'already-live', exitCode: 0 });
    expect(frozenNoop.reasons).toEqual(['version 2 already serves all of live: nothing to release']);
    expect(whileFrozen.platform.changes).toEqual([]);
    expect(whileFrozen.platform.releaseRecord.lock).toBeNull();

    const halfShifted = setup({ live: '2' });
    halfShifted.platform.moveLive('2', { '1': 0.5 });
    const refusedWeights = await startRelease(halfShifted.io, request());
    expect(refusedWeights).toMatchObject({ outcome: 'refused', exitCode: 5 });
    expect(refusedWeights.reasons.join()).toMatch(/already live's primary.*live routes 50 % to version 1/);
    expect(halfShifted.platform.changes).toEqual([]);
    expect(halfShifted.platform.releaseRecord.lock).toBeNull();
  });

  it('refuses a candidate the platform does not have, changing nothing', async () => {
    const { platform, io } = setup();
    const report = await startRelease(io, request({ candidate: '9' }));
    expect(report).toMatchObject({ outcome: 'refused', exitCode: 5 });
    expect(report.reasons.join()).toMatch(/version 9 does not exist: publish it first/);
    expect(platform.changes).toEqual([]);
    expect(platform.releaseRecord.lock).toBeNull();
  });

  it('refuses a candidate that does not exist on AWS by reads alone: pretraffic is not pointed at it', async () => {
    const { io, releaseRecord, lambdaCalls } = onMockedAws(['1', '2']);
    const report = await startRelease(io, request({ candidate: '9' }));
    expect(report).toMatchObject({ outcome: 'refused', exitCode: 5 });
    expect(report.reasons.join()).toMatch(/version 9 does not exist/);
    expect(lambdaCalls()).toContain('GetFunctionConfigurationCommand');
    expect(lambdaCalls().filter((call) => !LAMBDA_READS.includes(call))).toEqual([]);
    expect(releaseRecord.lock).toBeNull();
  });

  it('stops, holding the lock, when the candidate cannot be checked: a throttle is not a missing version', async () => {
    const { platform, io } = setup();
    const throttled = new AwsCallError(
      'GetFunctionConfiguration',
      'predictor:2',
      'TooManyRequestsException',
      5,
      {
        cause: new Error('Rate exceeded'),
      },
    );
    const versionExists = platform.versionExists.bind(platform);
    platform.versionExists = async () => {
      throw throttled;
    };
    const error = await rejection(startRelease(io, request()));
    expect(error.message).toMatch(/stopped in preflight.*resume.*abort/);
    expect(error.cause).toBe(throttled);
    expect(platform.releaseRecord.lock?.releaseId).toBe('r-1');
    expect(platform.changes).toEqual([]);
    // Once AWS answers again, the release carries on from its preflight.
    platform.versionExists = versionExists;
    expect((await resumeRelease(memoryIo(platform), 'resumer')).outcome).toBe('promoted');
  });

  it('refuses while another release holds the lock, and leaves that release alone', async () => {
    const { platform, io } = setup();
    await platform.releaseRecord.acquireLock('other', 'another runner');
    const report = await startRelease(io, request());
    expect(report).toMatchObject({ outcome: 'refused', exitCode: 5 });
    expect(report.reasons.join()).toMatch(/release other holds the release lock/);
    expect(platform.releaseRecord.entries).toEqual([]);
    expect(platform.releaseRecord.lock?.releaseId).toBe('other');
    expect(platform.changes).toEqual([]);
  });

  it('reads live again after someone else changed its revision, and carries on', async () => {
    const { platform, io } = setup();
    // Between the release's read and its first shift, someone sets live to what it already is.
    platform.beforeNextUpdate(() => platform.moveLive('1'));
    const report = await startRelease(io, request());
    expect(report.outcome).toBe('promoted');
    expect(io.steps.join('\n')).toMatch(/live moved under the release/);
    expectJournaledFirst(platform);
  });

  it('sends a move again while Lambda is busy with live (ResourceConflictException, live unmoved)', async () => {
    const { platform, io } = setup();
    const busy = () =>
      new AwsCallError('UpdateAlias', 'predictor:live', 'ResourceConflictException', 1, {
        cause: new Error('An update is in progress'),
      });
    // The first shift is refused twice, then goes through.
    let refusals = 2;
    const refuse = () => {
      refusals -= 1;
      if (refusals > 0) platform.beforeNextUpdate(refuse);
      throw busy();
    };
    platform.beforeNextUpdate(refuse);
    const report = await startRelease(io, request());
    expect(report.outcome).toBe('promoted');
    expect(io.steps.filter((line) => /Lambda is still busy with live/.test(line))).toHaveLength(2);
    expectJournaledFirst(platform);
    // Refused every time, the release stops holding the lock after a few tries.
    const stuck = setup();
    const alwaysBusy = () => {
      stuck.platform.beforeNextUpdate(alwaysBusy);
      throw busy();
    };
    stuck.platform.beforeNextUpdate(alwaysBusy);
    const error = await rejection(startRelease(stuck.io, request()));
    expect(error.cause).toBeInstanceOf(AwsCallError);
    expect(stuck.io.steps.filter((line) => /Lambda is still busy with live/.test(line))).toHaveLength(4);
    expect(stuck.platform.releaseRecord.lock?.releaseId).toBe('r-1');
  });

  it('stops when a human moved live elsewhere, and abort leaves it there', async () => {
    const { platform, io } = setup();
    platform.beforeNextUpdate(() => platform.moveLive('3'));
    const error = await rejection(startRelease(io, request()));
    expect(error.message).toMatch(/stopped in shift 1\/3.*resume.*abort/);
    expect((error.cause as Error).name).toBe('LiveMovedError');
    const report = await abortRelease(io, 'live was moved by hand', 'operator');
    expect(report?.reasons.join()).toMatch(/live is on version 3: someone else moved it/);
    expect((await platform.readAlias()).version).toBe('3');
    expect(await platform.provisionedConcurrency('2')).toBeNull();
    expect(platform.scaling).toEqual(SCALING);
    expect(platform.releaseRecord.lock).toBeNull();
  });

  it('promotes after Lambda refuses a primary with its own PC once: that PC removed, the move sent again', async () => {
    const { platform, io } = setup({ refusePrimaryWithVersionPc: 1 });
    const report = await startRelease(io, request());
    expect(report.outcome).toBe('promoted');
    const kinds = platform.changes.map(({ change }) => change);
    const promotion = kinds.findIndex((c) => c.kind === 'alias' && c.version === '2');
    const removal = kinds.findIndex((c) => c.kind === 'remove-pc' && c.qualifier === '2');
    expect(removal).toBeGreaterThan(-1);
    expect(removal).toBeLessThan(promotion);
    await expectConsistent(platform, '2');
  });

  it('draws a live line on a terminal while it bakes', async () => {
    const { io } = setup({}, { redraws: true });
    await startRelease(io, request());
    expect(io.liveLines.some((line) => /shift 1\/3.*10 % of live, baking .* \d+ requests/.test(line))).toBe(
      true,
    );
  });
});

describe('a release cut off in any state', () => {
  /** The rollback state is reached by a candidate that errs; every other by a healthy one. */
  const scenarios = CRASH_STATES.map((state) => ({
    state,
    metrics: state === 'rollback' ? candidateErrors(0.05) : steadyTraffic(50),
    resumed: state === 'rollback' ? '1' : '2',
  }));

  it.each(scenarios)(
    'resumes after a crash at $state and ends consistent',
    async ({ state, metrics, resumed }) => {
      const { platform } = setup({ metrics });
      const crashing = memoryIo(platform, { onEnter: crashAt(state) });
      const crash = await rejection(startRelease(crashing, request()));
      expect((crash.cause as Error).message).toBe(`sentinel crash at ${state}`);
      expect(platform.releaseRecord.lock?.releaseId).toBe('r-1');
      const report = await resumeRelease(memoryIo(platform), 'resumer');
      expect(report.outcome).toBe(resumed === '2' ? 'promoted' : 'rolled-back');
      await expectConsistent(platform, resumed);
      expectJournaledFirst(platform);
    },
  );

  it("judges a first shift cut off before its first look from the candidate's first traffic, not the resume", async () => {
    const { platform } = setup();
    const alarmsDown = memoryIo(platform, {
      firingPageAlarms: () => {
        throw new Error('page alarms unreadable');
      },
    });
    await rejection(startRelease(alarmsDown, request()));
    expect(firstStepVerdicts(platform)).toEqual([]);
    const shifted = platform.releaseRecord.entries.find((entry) => {
      const update = dataOf(entry, 'alias-update');
      return update !== null && (update.weights['2'] ?? 0) > 0;
    });
    const shiftedAt = new Date(shifted?.at ?? Number.NaN).getTime();
    const resumedAt = platform.clock.now().getTime();
    expect(resumedAt).toBeGreaterThan(shiftedAt);
    await resumeRelease(memoryIo(platform), 'resumer');
    const [first] = firstStepVerdicts(platform);
    expect(new Date(first?.candidate.range.start ?? Number.NaN).getTime()).toBeLessThanOrEqual(shiftedAt);
  });

  it.each(scenarios)(
    'aborts after a crash at $state and ends consistent; a second abort changes nothing',
    async ({ state, metrics }) => {
      const { platform } = setup({ metrics });
      await startRelease(memoryIo(platform, { onEnter: crashAt(state) }), request()).catch(() => undefined);
      const io = memoryIo(platform);
      const report = await abortRelease(io, 'stop it', 'operator');
      expect(report?.outcome).toMatch(/rolled-back|stopped-before-traffic/);
      expect(report?.abort).toMatchObject({ reason: 'stop it', by: 'operator' });
      await expectConsistent(platform, '1');
      const journal = platform.releaseRecord.entries.length;
      const changes = platform.changes.length;
      expect(await abortRelease(io, 'again', 'operator')).toBeNull();
      expect(platform.releaseRecord.entries.length).toBe(journal);
      expect(platform.changes.length).toBe(changes);
    },
  );

  it.each([
    ['resume', '2'],
    ['abort', '1'],
  ])("%ss a release cut off in the middle of Lambda's handover at promotion", async (how, live) => {
    const { platform, io } = setup();
    // The crash comes right after the promotion's update, while Lambda still holds live with weights of its own.
    const cutOff = (alias: { version: string }) => {
      if (alias.version === '2') throw new Error('killed during the handover');
      platform.afterNextUpdate(cutOff);
    };
    platform.afterNextUpdate(cutOff);
    await rejection(startRelease(io, request()));
    expect(await platform.readAlias()).toMatchObject({ version: '2', weights: { '1': 1 } });
    if (how === 'resume') await resumeRelease(memoryIo(platform), 'resumer');
    else await abortRelease(memoryIo(platform), 'stop', 'op');
    await expectConsistent(platform, live);
  });

  it("resumes a release cut off in promote after live moved and the candidate's own PC went, to promoted", async () => {
    const { platform, io } = setup();
    // Cut off restoring live's scaling: live names the candidate and its alias PC is the candidate's only one.
    platform.beforeNextChange(
      (change) => change.kind === 'resume-scaling',
      () => {
        throw new Error('killed inside promote');
      },
    );
    await rejection(startRelease(io, request()));
    expect(await platform.readAlias()).toMatchObject({ version: '2', weights: {} });
    expect(await platform.provisionedConcurrency('2')).toBeNull();
    const report = await resumeRelease(memoryIo(platform), 'resumer');
    expect(report.outcome).toBe('promoted');
    await expectConsistent(platform, '2');
    expectJournaledFirst(platform);
  });

  it('stops a runner that an abort took over before it changes anything more', async () => {
    const { platform, io } = setup();
    // The operator aborts while the runner suspends live's scaling again, entering the second step's warm.
    let suspends = 0;
    let aborting: Promise<unknown> = Promise.resolve();
    platform.beforeNextChange(
      (change) => change.kind === 'suspend-scaling' && ++suspends === 2,
      () => {
        aborting = abortRelease(memoryIo(platform), 'stop it', 'operator');
      },
    );
    const error = await rejection(startRelease(io, request()));
    expect(error.message).toBe(
      'release r-1 stopped in warm 2/3 (50 %): another runner took over this release (abort or resume): this one stops',
    );
    expect((error.cause as Error).name).toBe('JournalConflictError');
    expect(await aborting).toMatchObject({ outcome: 'rolled-back', abort: { by: 'operator' } });
    // Its append refused, the runner never sized the candidate's PC for the second step.
    const puts = platform.changes.flatMap(({ change }) =>
      change.kind === 'put-pc' ? [change.executions] : [],
    );
    expect(puts).not.toContain(10);
    await expectConsistent(platform, '1');
  });

  it('aborts as stopped-before-traffic while the candidate never had a weight', async () => {
    const { platform } = setup();
    await startRelease(memoryIo(platform, { onEnter: crashAt('shift') }), request()).catch(() => undefined);
    expect((await abortRelease(memoryIo(platform), 'stop', 'op'))?.outcome).toBe('stopped-before-traffic');
  });

  it('frees a lock whose release wrote nothing, for resume and abort alike', async () => {
    const { platform, io } = setup();
    await platform.releaseRecord.acquireLock('cut-off', 'a runner killed at once');
    await expect(resumeRelease(io, 'resumer')).rejects.toThrow(/no release to resume.*changed nothing/);
    expect(platform.releaseRecord.lock).toBeNull();
    await platform.releaseRecord.acquireLock('cut-off-2', 'another');
    expect(await abortRelease(io, 'stop', 'op')).toBeNull();
    expect(platform.releaseRecord.lock).toBeNull();
  });

  it('frees the lock of a release cut off after it finished, changing nothing', async () => {
    const { platform, io } = setup();
    await startRelease(io, request());
    // Cut off between writing `finished` and freeing the lock.
    await platform.releaseRecord.acquireLock('r-1', 'orchestrator test');
    const changes = platform.changes.length;
    expect(await resumeRelease(io, 'resumer')).toMatchObject({ outcome: 'promoted' });
    expect(platform.releaseRecord.lock).toBeNull();
    await platform.releaseRecord.acquireLock('r-1', 'orchestrator test');
    expect(await abortRelease(io, 'stop', 'op')).toMatchObject({ outcome: 'promoted', abort: null });
    expect(platform.releaseRecord.lock).toBeNull();
    expect(platform.changes.length).toBe(changes);
  });

  it('has nothing to resume or abort when the lock is free', async () => {
    const { platform, io } = setup();
    await expect(resumeRelease(io, 'resumer')).rejects.toThrow(/no release to resume/);
    expect(await abortRelease(io, 'stop', 'op')).toBeNull();
    expect(platform.changes).toEqual([]);
  });
});

describe('a release cut off before each of its changes to the platform', () => {
  const candidates = [
    { name: 'a healthy candidate', metrics: () => steadyTraffic(50), resumed: '2' },
    { name: 'a candidate failing its first step', metrics: () => candidateErrors(0.05), resumed: '1' },
    { name: 'a candidate failing the watch', metrics: failsTheWatch, resumed: '1' },
  ];
  const cases = candidates.flatMap((candidate) =>
    (['resume', 'abort'] as const).map((how) => ({
      ...candidate,
      how,
      live: how === 'resume' ? candidate.resumed : '1',
    })),
  );

  it.each(cases)(
    '$how ends consistent on $live wherever $name was cut off',
    async ({ metrics, how, live }) => {
      const whole = setup({ metrics: metrics() });
      await startRelease(whole.io, request());
      const ends: unknown[] = [];
      for (let cutBefore = 0; cutBefore < whole.platform.changes.length; cutBefore += 1) {
        const { platform, io } = setup({ metrics: metrics() });
        let changes = 0;
        platform.beforeNextChange(
          () => changes++ === cutBefore,
          () => {
            throw new Error('killed');
          },
        );
        await rejection(startRelease(io, request()));
        const after = memoryIo(platform);
        const carriedOn =
          how === 'resume' ? resumeRelease(after, 'resumer') : abortRelease(after, 'stop', 'operator');
        const failed = await carriedOn.then(
          () => null,
          (error: Error) => `${how} threw: ${error.message}`,
        );
        ends.push({ cutBefore, failed, ...(await endState(platform)) });
      }
      expect(ends).toEqual(ends.map((_, cutBefore) => ({ cutBefore, failed: null, ...consistentEnd(live) })));
    },
  );
});

describe('releaseStatus', () => {
  it('shows live, the lock, and the report of the release holding it, or of the last one', async () => {
    const { platform, io } = setup();
    expect(await releaseStatus(io)).toMatchObject({ alias: { version: '1' }, lock: null, report: null });
    await startRelease(memoryIo(platform, { onEnter: crashAt('shift') }), request()).catch(() => undefined);
    const running = await releaseStatus(io);
    expect(running).toMatchObject({
      lock: { releaseId: 'r-1' },
      report: { outcome: null, releaseId: 'r-1' },
    });
    await resumeRelease(io, 'resumer');
    expect(await releaseStatus(io)).toMatchObject({
      alias: { version: '2' },
      lock: null,
      report: { outcome: 'promoted' },
    });
  });
});
