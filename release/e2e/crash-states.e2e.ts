/**
 * SIGKILL at every state the release enters (`--crash-at`), then `--resume` for half of them and `--abort` for the
 * other half: whatever was cut off, the rehearsal ends with the outcome that cut calls for, live on one version with
 * no weights, only live's alias holding provisioned concurrency, live's scaling as `start` registered it, and the
 * release lock free. The crashed process wrote no report; the platform it left still runs, which is what the
 * second command carries on from.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalPlatform } from '../../platform/src/local/local-platform.ts';
import { CRASH_STATES } from '../src/machine.ts';
import { EXIT_CODES, type Outcome } from '../src/model.ts';
import type { ReleaseReport } from '../src/report.ts';
import { writeOverspentBudgetReport } from './budget-report.ts';
import {
  explained,
  newRehearsal,
  type Rehearsal,
  SHORT_PLAN,
  STARTED_SCALING,
  said,
} from './rehearsal-cli.ts';

/** Only a faulty candidate reaches rollback: errors=5%@live passes the pre-traffic test and fails its first bake. */
const faultFor = (state: string) => (state === 'rollback' ? ['--inject', 'errors=5%@live'] : []);

let rehearsal: Rehearsal | null = null;
afterEach(async () => {
  await rehearsal?.dispose();
  rehearsal = null;
});

/**
 * Every state but preflight, alternating --resume and --abort. Preflight is cut off and resumed under an overspent
 * budget below: the freeze is the one thing preflight decides, and one rehearsal less keeps test:release short.
 */
const CUT_OFF = CRASH_STATES.map(
  (state, index) => [state, index % 2 === 0 ? '--resume' : '--abort'] as const,
).filter(([state]) => state !== 'preflight');

/**
 * How each cut-off release must end. Resumed, a healthy one carries on to promotion, and the faulty one cut off in
 * its rollback finishes it. Aborted, it is stopped-before-traffic until the candidate's first weight (the crash
 * comes after the state is journaled and before it is performed, so one cut off entering its first shift never
 * set that weight), rolled-back after; a rollback under way carries on as it is.
 */
function expectedOutcome(state: (typeof CRASH_STATES)[number], then: '--resume' | '--abort'): Outcome {
  if (state === 'rollback') return 'rolled-back';
  if (then === '--resume') return 'promoted';
  return state === 'promote' || state === 'watch' ? 'rolled-back' : 'stopped-before-traffic';
}

/**
 * What a second abort must leave as it found it: the journal, live's scaling target, and which qualifiers have
 * provisioned concurrency. Not how much live's has: the abort runs production traffic while it looks, and under
 * it the autoscaler may resize live's PC, as Application Auto Scaling would; the journal shows the abort made no
 * PC change of its own.
 */
async function whatAnAbortCouldChange(platform: LocalPlatform, report: ReleaseReport) {
  const qualifiers = ['live', report.stable, report.candidate];
  const configs = await Promise.all(
    qualifiers.map((qualifier) => platform.provisionedConcurrency(qualifier)),
  );
  return {
    journalLength: (await platform.releaseRecord.journal()).length,
    scaling: await platform.scalingTarget(),
    provisionedConcurrencyOn: qualifiers.filter((_, index) => configs[index] !== null),
  };
}

describe('npm run release:local -- --crash-at STATE', () => {
  it('SIGKILL on entering preflight under an overspent budget, then --resume, refuses (exit 5), changing nothing', async () => {
    rehearsal = await newRehearsal();
    const overspent = await writeOverspentBudgetReport(rehearsal.stateDir);
    const crashed = await rehearsal.run(
      '--budget-report',
      overspent,
      ...SHORT_PLAN,
      '--crash-at',
      'preflight',
    );
    expect(crashed.signal, said(crashed)).toBe('SIGKILL');

    // --resume has no --budget-report of its own: it checks the one the rehearsal started with.
    const resumed = await rehearsal.run('--resume', '--keep-platform');
    const report = await rehearsal.report();
    expect(resumed.code, `${explained(report)}\n${said(resumed)}`).toBe(EXIT_CODES.refused);
    expect(report).toMatchObject({
      outcome: 'refused',
      maxCandidateWeight: 0,
      freeze: { checked: true, frozen: true },
    });
    const platform = await rehearsal.platform();
    expect(await rehearsal.status()).toEqual({ version: '1', weights: {} });
    expect(await platform.releaseRecord.currentLock()).toBeNull();
    expect(await platform.scalingTarget()).toEqual(STARTED_SCALING);
    expect(await platform.provisionedConcurrency(report.candidate)).toBeNull();
    expect(await platform.releaseRecord.journal()).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ type: 'scaling-saved' })]),
    );
  });

  it.each(CUT_OFF)(
    'SIGKILL on entering %s, then %s, ends on one version with no weights, scaling restored, the lock free',
    async (state, then) => {
      rehearsal = await newRehearsal();
      const crashed = await rehearsal.run(...faultFor(state), ...SHORT_PLAN, '--crash-at', state);
      expect(crashed.signal, said(crashed)).toBe('SIGKILL');
      expect(crashed.stderr).toContain(`--crash-at ${state}`);
      const platform = await rehearsal.platform();
      expect(
        await platform.releaseRecord.currentLock(),
        'the crashed release still holds the lock',
      ).not.toBeNull();

      const ended = await rehearsal.run(then, '--keep-platform');
      expect(ended.signal, said(ended)).toBeNull();
      expect(Object.values(EXIT_CODES), said(ended)).toContain(ended.code);
      const report = await rehearsal.report();
      const outcome = expectedOutcome(state, then);
      const why = `${explained(report)}\n${said(ended)}`;
      expect(report.outcome, why).toBe(outcome);
      expect(ended.code, why).toBe(EXIT_CODES[outcome]);
      const live = outcome === 'promoted' ? report.candidate : report.stable;
      expect(await rehearsal.status()).toEqual({ version: live, weights: {} });
      expect(await platform.releaseRecord.currentLock()).toBeNull();
      expect(await platform.scalingTarget()).toEqual(STARTED_SCALING);
      // Whichever version won, live's alias alone holds provisioned concurrency: the handover removed the winner's
      // own, and nothing of the loser is left warm beside live.
      expect(await platform.provisionedConcurrency('live'), 'live has no PC').toMatchObject({
        qualifier: 'live',
      });
      for (const version of [report.stable, report.candidate])
        expect(await platform.provisionedConcurrency(version), `version ${version}'s own PC`).toBeNull();
      if (then === '--abort') {
        // A second abort finds nothing to roll back and changes nothing.
        const before = await whatAnAbortCouldChange(platform, report);
        const again = await rehearsal.run('--abort', '--keep-platform');
        expect(again.code, said(again)).toBe(0);
        expect(again.stderr).toContain('nothing to abort');
        expect(await rehearsal.status()).toEqual({ version: live, weights: {} });
        expect(await whatAnAbortCouldChange(platform, report)).toEqual(before);
      }
    },
  );
});
