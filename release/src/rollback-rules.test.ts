import { describe, expect, it } from 'vitest';
import type { AliasState, JournalEntry } from '../../platform/src/port.ts';
import type { Outcome, ReleaseStarted } from './model.ts';
import { TEST_PLAN } from './report-test-journals.ts';
import { previousVersion, rollbackCheck } from './rollback-rules.ts';

interface Run {
  readonly id: string;
  readonly candidate: string;
  readonly stable: string;
  readonly outcome: Outcome | null;
  readonly rollback?: boolean;
}

/** One store's journal holding each run's started and (when it ended) finished entries, in order. */
function journalOf(runs: readonly Run[]): JournalEntry[] {
  return runs.flatMap((run, index) => {
    const started: ReleaseStarted = {
      releaseId: run.id,
      functionName: 'predictor',
      candidate: run.candidate,
      stable: run.stable,
      plan: TEST_PLAN,
      livePc: 4,
      modelChange: false,
      overrideFreeze: null,
      holder: 'test',
      startedAt: '2026-11-30T04:00:00.000Z',
      ...(run.rollback ? { rollback: { reason: 'bad deploy' } } : {}),
    };
    const at = `2026-11-30T04:0${index}:00.000Z`;
    return [
      { sequence: 2 * index + 1, at, releaseId: run.id, type: 'started', data: started },
      ...(run.outcome === null
        ? []
        : [
            {
              sequence: 2 * index + 2,
              at,
              releaseId: run.id,
              type: 'finished',
              data: { outcome: run.outcome, reasons: [] },
            },
          ]),
    ];
  });
}

describe('previousVersion', () => {
  it.each<{ name: string; runs: Run[]; expected: string | null }>([
    { name: 'an empty record', runs: [], expected: null },
    {
      name: 'only releases that did not promote',
      runs: [
        { id: 'a', candidate: '2', stable: '1', outcome: 'rolled-back' },
        { id: 'b', candidate: '3', stable: '1', outcome: 'refused' },
      ],
      expected: null,
    },
    {
      name: 'one promoted release',
      runs: [{ id: 'a', candidate: '2', stable: '1', outcome: 'promoted' }],
      expected: '1',
    },
    {
      name: 'the last promoted release among others, rollbacks and one still running',
      runs: [
        { id: 'a', candidate: '2', stable: '1', outcome: 'promoted' },
        { id: 'b', candidate: '3', stable: '2', outcome: 'promoted' },
        { id: 'c', candidate: '4', stable: '3', outcome: 'rolled-back' },
        { id: 'd', candidate: '3', stable: '2', outcome: 'reverted', rollback: true },
        { id: 'e', candidate: '5', stable: '2', outcome: null },
      ],
      expected: '2',
    },
  ])('is $expected for $name', ({ runs, expected }) => {
    expect(previousVersion(journalOf(runs))).toBe(expected);
  });

  it('names the malformed entry rather than guess', () => {
    const [started] = journalOf([{ id: 'a', candidate: '2', stable: '1', outcome: null }]);
    const broken = { ...(started as JournalEntry), data: { releaseId: 'a' } };
    expect(() => previousVersion([broken])).toThrow(/journal entry 1 \(started\) of release a is malformed/);
  });
});

const live = (version: string, weights: Record<string, number> = {}): AliasState => ({
  name: 'live',
  version,
  weights,
  revisionId: 'r1',
});

describe('rollbackCheck', () => {
  it('proceeds to a published version that is not live, with live on one version', () => {
    expect(rollbackCheck({ alias: live('2'), to: '1', versionExists: true })).toEqual({
      proceed: true,
      to: '1',
    });
  });

  it('names every reason it refuses for in one', () => {
    const decision = rollbackCheck({ alias: live('2', { '3': 0.5 }), to: '7', versionExists: false });
    expect(decision).toEqual({
      proceed: false,
      reason:
        'live routes 0.5 to version 3 besides version 2 and no release holds the lock: put live on one version yourself (aws lambda update-alias --name live --function-version N --routing-config \'{"AdditionalVersionWeights":{}}\'), then roll back if it is still needed; version 7 does not exist: name a published version with --to VERSION',
    });
  });
});
