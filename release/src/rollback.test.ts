import { describe, expect, it } from 'vitest';
import { dataOf } from './journal.ts';
import { abortRelease, releaseStatus, resumeRelease, startRelease } from './orchestrator.ts';
import { type RollbackRequest, rollbackLive } from './rollback.ts';
import { memoryIo } from './testing/memory-io.ts';
import { LAMBDA_READS, onMockedAws } from './testing/mocked-aws-release.ts';
import {
  candidateErrors,
  consistentEnd,
  crashAt,
  endState,
  expectConsistent,
  expectJournaledFirst,
  PLAN,
  rejection,
  request,
  setup,
} from './testing/release-fixtures.ts';

const rollback = (overrides: Partial<RollbackRequest> = {}): RollbackRequest => ({
  functionName: 'predictor',
  to: null,
  reason: 'p95 regressed after the deploy',
  plan: PLAN,
  holder: 'rollback test',
  releaseId: 'rb-1',
  ...overrides,
});

/** A platform whose release r-1 promoted version 2 over version 1: the record's previous version is 1. */
async function afterPromotion() {
  const promoted = setup();
  expect((await startRelease(promoted.io, request())).outcome).toBe('promoted');
  return promoted;
}

describe('rollbackLive with no release running', () => {
  it("moves live back to the last promoted release's stable version with the PC handover, journaled first", async () => {
    const { platform, io } = await afterPromotion();
    const before = platform.changes.length;
    const report = await rollbackLive(io, rollback());
    expect(report).toMatchObject({
      kind: 'rollback',
      outcome: 'reverted',
      exitCode: 0,
      candidate: '2',
      stable: '1',
      reasons: ['p95 regressed after the deploy'],
      maxCandidateWeight: 0,
    });
    await expectConsistent(platform, '1');
    expectJournaledFirst(platform);
    // Version 1's own PC is sized to live's and READY before live names it, then handed over to the alias.
    const kinds = platform.changes.slice(before).map(({ change }) => change);
    expect(kinds).toEqual([
      { kind: 'suspend-scaling' },
      { kind: 'put-pc', qualifier: '1', executions: 20 },
      { kind: 'alias', version: '1', weights: {} },
      { kind: 'remove-pc', qualifier: '1' },
      expect.objectContaining({ kind: 'resume-scaling' }),
    ]);
    expect(report.timeline.at(0)).toMatchObject({ kind: 'state', event: 'revert', weight: 1 });
    expect(report.timeline.find((event) => event.kind === 'alias-update')?.weight).toBe(0);
  });

  it('goes to the version --to names, with no promoted release in the record', async () => {
    const { platform, io } = setup();
    const report = await rollbackLive(io, rollback({ to: '3' }));
    expect(report).toMatchObject({ outcome: 'reverted', candidate: '1', stable: '3' });
    await expectConsistent(platform, '3');
  });

  it('is what status shows afterwards, and a second rollback to the same version is refused', async () => {
    const { platform, io } = await afterPromotion();
    await rollbackLive(io, rollback());
    expect(await releaseStatus(io)).toMatchObject({
      lock: null,
      report: { kind: 'rollback', releaseId: 'rb-1', outcome: 'reverted' },
    });
    const changes = platform.changes.length;
    const again = await rollbackLive(io, rollback({ releaseId: 'rb-2' }));
    expect(again).toMatchObject({ outcome: 'refused', exitCode: 5 });
    expect(again.reasons[0]).toBe('version 1 is already live: nothing to roll back');
    expect(platform.changes.length).toBe(changes);
  });

  it.each<{ name: string; to: string | null; weights: Record<string, number>; reason: RegExp }>([
    {
      name: 'the version is already live',
      to: '1',
      weights: {},
      reason: /^version 1 is already live: nothing to roll back$/,
    },
    {
      name: 'the version does not exist',
      to: '9',
      weights: {},
      reason: /^version 9 does not exist: name a published version with --to VERSION$/,
    },
    {
      name: 'live has weights and no release holds the lock',
      to: '3',
      weights: { '2': 0.1 },
      reason:
        /^live routes 0\.1 to version 2 besides version 1 and no release holds the lock: put live on one/,
    },
    {
      name: 'the record has no previous version and no --to is given',
      to: null,
      weights: {},
      reason:
        /^the release record has no promoted release whose stable version to go back to: name one with --to/,
    },
  ])('refuses, changing nothing and writing nothing, when $name', async ({ to, weights, reason }) => {
    const { platform, io } = setup();
    platform.moveLive('1', weights);
    const report = await rollbackLive(io, rollback({ to }));
    expect(report).toMatchObject({ kind: 'rollback', outcome: 'refused', exitCode: 5 });
    expect(report.reasons[0]).toMatch(reason);
    expect(platform.changes).toEqual([]);
    expect(platform.releaseRecord.entries).toEqual([]);
    expect(platform.releaseRecord.lock).toBeNull();
  });

  it('refuses a version that does not exist on AWS by reads alone: pretraffic is not pointed at it', async () => {
    const { io, releaseRecord, lambdaCalls } = onMockedAws(['1', '2']);
    const report = await rollbackLive(io, rollback({ to: '9' }));
    expect(report).toMatchObject({ outcome: 'refused', exitCode: 5 });
    expect(report.reasons[0]).toMatch(/^version 9 does not exist/);
    expect(lambdaCalls()).toContain('GetFunctionConfigurationCommand');
    expect(lambdaCalls().filter((call) => !LAMBDA_READS.includes(call))).toEqual([]);
    expect(releaseRecord.entries).toEqual([]);
    expect(releaseRecord.lock).toBeNull();
  });

  it("refuses when a release takes the lock between the rollback's reads and its own lock", async () => {
    const { platform, io } = setup();
    const versionExists = platform.versionExists.bind(platform);
    // The version check is the last read before the lock: a release starts right then.
    platform.versionExists = async (version) => {
      await platform.releaseRecord.acquireLock('r-9', 'a release that started meanwhile');
      return versionExists(version);
    };
    const report = await rollbackLive(io, rollback({ to: '3' }));
    expect(report).toMatchObject({ outcome: 'refused' });
    expect(report.reasons[0]).toMatch(/^release r-9 holds the release lock/);
    expect(platform.changes).toEqual([]);
    expect(platform.releaseRecord.lock?.releaseId).toBe('r-9');
  });

  it('leaves live as someone else moved it during the handover, cleans up its own PC and scaling, and says so', async () => {
    const { platform, io } = await afterPromotion();
    platform.beforeNextUpdate(() => platform.moveLive('3'));
    const report = await rollbackLive(io, rollback());
    expect(report.outcome).toBe('refused');
    expect(report.reasons.join('\n')).toMatch(/live did not end on version 1: it is on version 3/);
    expect(await endState(platform)).toEqual({ ...consistentEnd('3') });
  });
});

describe('rollbackLive with a release holding the lock', () => {
  it('aborts it, the reason recorded as the abort', async () => {
    const { platform } = setup({ metrics: candidateErrors(0) });
    await startRelease(memoryIo(platform, { onEnter: crashAt('shift') }), request()).catch(() => undefined);
    const report = await rollbackLive(memoryIo(platform), rollback());
    expect(report).toMatchObject({
      kind: 'release',
      releaseId: 'r-1',
      outcome: 'stopped-before-traffic',
      abort: { reason: 'p95 regressed after the deploy', by: 'rollback test' },
    });
    await expectConsistent(platform, '1');
  });

  it('frees the lock of a release that had already finished, then rolls live back as with a free lock', async () => {
    const { platform, io } = await afterPromotion();
    // r-1 wrote `finished` (promoted) and was cut off before it freed the lock.
    await platform.releaseRecord.acquireLock('r-1', 'the promoting run, cut off');
    const report = await rollbackLive(io, rollback());
    expect(report).toMatchObject({
      kind: 'rollback',
      releaseId: 'rb-1',
      outcome: 'reverted',
      exitCode: 0,
      candidate: '2',
      stable: '1',
    });
    expect(io.steps).toContain('release r-1 had already finished (promoted): its lock is freed');
    await expectConsistent(platform, '1');
  });
});

describe('a rollback cut off', () => {
  it('shows in status as not finished, and resumes to reverted', async () => {
    const { platform } = await afterPromotion();
    await rejection(rollbackLive(memoryIo(platform, { onEnter: crashAt('revert') }), rollback()));
    expect(await releaseStatus(memoryIo(platform))).toMatchObject({
      lock: { releaseId: 'rb-1' },
      report: { kind: 'rollback', outcome: null, state: 'revert' },
    });
    expect((await resumeRelease(memoryIo(platform), 'resumer')).outcome).toBe('reverted');
    await expectConsistent(platform, '1');
  });

  it('resumes after its started entry alone, at revert', async () => {
    const { platform } = await afterPromotion();
    // Cut off right after `started`: the next append (its revert state) never happens.
    const io = memoryIo(platform);
    const append = platform.releaseRecord.append.bind(platform.releaseRecord);
    let appends = 0;
    platform.releaseRecord.append = async (entry, expected) => {
      if (entry.releaseId === 'rb-1' && ++appends === 2) throw new Error('killed after started');
      return append(entry, expected);
    };
    await rejection(rollbackLive(io, rollback()));
    platform.releaseRecord.append = append;
    const written = platform.releaseRecord.entries.filter((entry) => entry.releaseId === 'rb-1');
    expect(written.map((entry) => entry.type)).toEqual(['started']);
    expect((await resumeRelease(memoryIo(platform), 'resumer')).outcome).toBe('reverted');
    await expectConsistent(platform, '1');
  });

  const hows = ['resume', 'abort', 'rollback again'] as const;

  it.each(hows)('%s ends on the version rolled back to wherever it was cut off', async (how) => {
    const whole = await afterPromotion();
    const before = whole.platform.changes.length;
    await rollbackLive(whole.io, rollback());
    const cuts = whole.platform.changes.length - before;
    expect(cuts).toBeGreaterThan(3);
    const ends: unknown[] = [];
    for (let cutBefore = 0; cutBefore < cuts; cutBefore += 1) {
      const { platform, io } = await afterPromotion();
      let changes = 0;
      platform.beforeNextChange(
        () => changes++ === cutBefore,
        () => {
          throw new Error('killed');
        },
      );
      await rejection(rollbackLive(io, rollback()));
      const after = memoryIo(platform);
      const carriedOn =
        how === 'resume'
          ? resumeRelease(after, 'resumer')
          : how === 'abort'
            ? abortRelease(after, 'stop', 'operator')
            : rollbackLive(after, rollback({ releaseId: 'rb-2' }));
      const outcome = await carriedOn.then(
        (report) => report?.outcome,
        (error: Error) => `${how} threw: ${error.message}`,
      );
      ends.push({ cutBefore, outcome, ...(await endState(platform)) });
    }
    expect(ends).toEqual(
      ends.map((_, cutBefore) => ({ cutBefore, outcome: 'reverted', ...consistentEnd('1') })),
    );
  });

  it.each(hows)("%s ends on the version rolled back to when cut off in Lambda's handover", async (how) => {
    const { platform, io } = await afterPromotion();
    platform.afterNextUpdate(() => {
      throw new Error('killed during the handover');
    });
    await rejection(rollbackLive(io, rollback()));
    expect(await platform.readAlias()).toMatchObject({ version: '1', weights: { '2': 1 } });
    const after = memoryIo(platform);
    if (how === 'resume') await resumeRelease(after, 'resumer');
    else if (how === 'abort') await abortRelease(after, 'stop', 'operator');
    else await rollbackLive(after, rollback({ releaseId: 'rb-2' }));
    await expectConsistent(platform, '1');
    const revertStates = platform.releaseRecord.entries.flatMap((entry) => {
      const state = dataOf(entry, 'state')?.state;
      return state?.name === 'revert' ? [entry.releaseId] : [];
    });
    expect(revertStates).toEqual(['rb-1', 'rb-1']);
  });
});
