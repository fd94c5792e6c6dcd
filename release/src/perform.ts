/**
 * What each state of a release does (the I/O between journaling it and journaling what it observed): preflight's
 * reads, warming the candidate's own PC, the pre-traffic gate, the drift check, a shift and its bake, promotion,
 * the watch, the roll back with its exposure tail, and a `rollback` run's revert. Each reads the platform before it changes anything, so
 * performing a state twice (a resume) does what performing it once would.
 */
import { describeError } from '../../common/errors.ts';
import { buildCorpus } from '../../loadtest/src/corpus.ts';
import { platformSizeFor } from '../../loadtest/src/local-platform-plan.ts';
import { SCENARIOS } from '../../loadtest/src/scenarios.ts';
import { bake } from './bake.ts';
import { compareAnswers } from './drift.ts';
import { recordExposureTail } from './exposure-tail.ts';
import { promote, provision, revert, rollBack, shiftTo } from './handover.ts';
import { preflightCheck, servesAllOfLive, stateLabel } from './machine.ts';
import type { FreezeStatus, Observation, ReleaseState } from './model.ts';
import { candidatePcFor } from './plan.ts';
import type { ReleaseRun } from './release-run.ts';

/**
 * The first warm also readies the candidate for the pre-traffic test, which sends it the canary scenario's rate
 * alone: sized as the load test sizes a platform for a run (Little's law at the SLOs' slowest latency), so the gate
 * measures the version, not its cold starts.
 */
const PRETRAFFIC_PC = platformSizeFor(SCENARIOS.canary.ratePerSecond).provisionedEnvironments;

export async function perform(
  run: ReleaseRun,
  state: ReleaseState,
): Promise<{ observation: Observation; freeze?: FreezeStatus }> {
  const { plan, started } = run;
  switch (state.name) {
    case 'preflight':
      return preflight(run);
    case 'warm': {
      await run.suspendScaling();
      const weight = plan.steps[state.step]?.weight ?? 1;
      const forStep = candidatePcFor(started.livePc, weight);
      const executions = state.step === 0 ? Math.max(forStep, PRETRAFFIC_PC) : forStep;
      const notReady = await provision(run, started.candidate, executions);
      return {
        observation:
          notReady === null
            ? { kind: 'warm', ready: true }
            : { kind: 'warm', ready: false, reason: notReady },
      };
    }
    case 'pretraffic':
      return { observation: await pretraffic(run) };
    case 'drift':
      return { observation: await drift(run) };
    case 'shift': {
      const step = plan.steps[state.step];
      if (step === undefined)
        throw new Error(`shift ${state.step} is beyond the plan's ${plan.steps.length} steps`);
      await shiftTo(run, step.weight);
      const label = stateLabel(state, plan);
      return {
        observation: await bake(run, {
          state,
          label,
          weight: step.weight,
          bakeMs: step.bakeMs,
          stable: started.stable,
        }),
      };
    }
    case 'promote':
      return { observation: await promote(run) };
    case 'watch': {
      const bakeMs = plan.steps.at(-1)?.bakeMs ?? 0;
      return { observation: await bake(run, { state, label: 'watch', weight: 1, bakeMs, stable: null }) };
    }
    case 'rollback': {
      const observation = await rollBack(run);
      await recordExposureTail(run);
      return { observation };
    }
    case 'revert':
      return { observation: await revert(run) };
    case 'done':
      throw new Error('done is not performed: the release is over');
  }
}

async function preflight(run: ReleaseRun): Promise<{ observation: Observation; freeze: FreezeStatus }> {
  const { io, started } = run;
  const alias = await io.platform.readAlias();
  let freeze: FreezeStatus;
  try {
    freeze = await io.freeze();
  } catch (error) {
    freeze = { checked: false, why: `the error budget could not be read: ${describeError(error)}` };
    // Nothing to release moves no traffic, so an unreadable budget has nothing to stop (preflightCheck decides).
    if (started.overrideFreeze === null && !servesAllOfLive(alias, started.candidate)) {
      const reason = `${freeze.why}; fix the access, or release with --override-freeze REASON to go without it`;
      return { observation: { kind: 'preflight', proceed: false, reason }, freeze };
    }
  }
  // A read, so a refused release changes nothing: on AWS, setting up the candidate's URL would move `pretraffic`.
  const observation = preflightCheck({
    alias,
    candidate: started.candidate,
    versionExists: await io.platform.versionExists(started.candidate),
    freeze,
    overrideFreeze: started.overrideFreeze,
  });
  return { observation, freeze };
}

async function pretraffic(run: ReleaseRun): Promise<Observation> {
  const { io, plan, started } = run;
  const url = await io.platform.versionUrl(started.candidate);
  io.progress.step(
    `the canary scenario against ${started.candidate} alone (${url}) for ${plan.pretrafficSeconds} s`,
  );
  const { verdict } = await io.pretraffic(url, plan.pretrafficSeconds, plan.regression.errorAlpha);
  const failed = verdict.checks.filter((check) => !check.passed);
  const reason =
    failed.length === 0
      ? null
      : `the candidate alone missed ${failed
          .map(
            (check) =>
              `${check.name} (${check.objective}: ${check.reason ?? check.measured ?? 'not measured'})`,
          )
          .join(', ')}`;
  return { kind: 'pretraffic', verdict, reason };
}

async function drift(run: ReleaseRun): Promise<Observation> {
  const { io, plan, started } = run;
  // The canary scenario's own bodies, the first of them: the same households every release compares.
  const bodies = buildCorpus()
    .slice(0, plan.drift.requests)
    .map((body) => JSON.stringify(body));
  // Nothing is shifted yet, so live is the stable version alone.
  const [liveUrl, candidateUrl] = await Promise.all([
    io.platform.liveUrl(),
    io.platform.versionUrl(started.candidate),
  ]);
  const [stable, candidate] = await Promise.all([io.ask(liveUrl, bodies), io.ask(candidateUrl, bodies)]);
  const report = compareAnswers({
    answers: bodies.map((_, index) => ({
      index,
      stable: stable[index] ?? { error: 'no answer' },
      candidate: candidate[index] ?? { error: 'no answer' },
    })),
    tolerance: plan.drift.tolerance,
    modelChange: started.modelChange,
  });
  const percent = (share: number | null) =>
    share === null ? 'n/a' : `${Number((share * 100).toPrecision(3))} %`;
  io.progress.step(
    `drift: ${report.compared} bodies, largest ${percent(report.maxRelativeDrift)}, ` +
      `${report.beyondTolerance} beyond ${percent(plan.drift.tolerance)}, ${report.unanswered} unanswered`,
  );
  return { kind: 'drift', report };
}
