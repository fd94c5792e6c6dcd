/**
 * What the orchestrator's and the rollback's tests share: a plan on the fake clock, an in-memory platform with
 * live on version 1 and its PC and scaling, and how they look at what a run leaves behind.
 */
import { expect } from 'vitest';
import { LIVE_ALIAS, type ScalingTarget } from '../../../platform/src/port.ts';
import { dataOf } from '../journal.ts';
import type { ReleasePlan, ReleaseState, StateName } from '../model.ts';
import type { StartRequest } from '../orchestrator.ts';
import { type MemoryIoScript, memoryIo } from './memory-io.ts';
import { type MetricsScript, metricsOf, steadyTraffic } from './memory-metrics.ts';
import { FakeClock, MemoryPlatform, type MemoryPlatformOptions } from './memory-platform.ts';

export const MINUTE = 60_000;

/** A plan in whole minutes on the fake clock: three steps, CloudWatch-like delay, PC that takes seconds. */
export const PLAN: ReleasePlan = {
  steps: [
    { weight: 0.1, bakeMs: MINUTE },
    { weight: 0.5, bakeMs: MINUTE },
    { weight: 1, bakeMs: MINUTE },
  ],
  minRequests: 200,
  maxBakeMs: 5 * MINUTE,
  metricsDelayMs: MINUTE / 2,
  metricPeriodMs: 1_000,
  warmTimeoutMs: 2 * MINUTE,
  pretrafficSeconds: 10,
  drift: { requests: 20, tolerance: 0.01 },
  regression: { latencyRatio: 1.3, latencyMinMs: 10, errorAlpha: 0.01 },
};

export const SCALING: ScalingTarget = {
  qualifier: LIVE_ALIAS,
  minCapacity: 2,
  maxCapacity: 10,
  targetUtilization: 0.7,
  suspendedState: {
    dynamicScalingInSuspended: false,
    dynamicScalingOutSuspended: false,
    scheduledScalingSuspended: false,
  },
};

export const LIVE_PC = 20;

export function setup(options: Partial<MemoryPlatformOptions> = {}, script: MemoryIoScript = {}) {
  const platform = new MemoryPlatform({
    clock: new FakeClock(),
    versions: ['1', '2', '3'],
    live: '1',
    livePc: LIVE_PC,
    scaling: SCALING,
    metrics: steadyTraffic(50),
    ...options,
  });
  return { platform, io: memoryIo(platform, script) };
}

export const request = (overrides: Partial<StartRequest> = {}): StartRequest => ({
  functionName: 'predictor',
  candidate: '2',
  plan: PLAN,
  modelChange: false,
  overrideFreeze: null,
  holder: 'orchestrator test',
  releaseId: 'r-1',
  ...overrides,
});

/** Steady traffic at `ratePerSecond`, but the candidate answers `errorRate` of it with errors. */
export function candidateErrors(errorRate: number, ratePerSecond = 50): MetricsScript {
  const steady = steadyTraffic(ratePerSecond);
  return (version, range, via, platform) => {
    const healthy = steady(version, range, via, platform);
    if (version !== '2') return healthy;
    return metricsOf(version, range, via, {
      invocations: healthy.invocations,
      errors: Math.round(healthy.invocations * errorRate),
    });
  };
}

/** What a release leaves behind: live, its PC, any version's own PC, live's scaling, the lock. */
export async function endState(platform: MemoryPlatform) {
  const alias = await platform.readAlias();
  const versionPc: string[] = [];
  for (const version of platform.versions) {
    if ((await platform.provisionedConcurrency(version)) !== null) versionPc.push(version);
  }
  return {
    live: { version: alias.version, weights: alias.weights },
    livePc: (await platform.provisionedConcurrency(LIVE_ALIAS))?.requested ?? null,
    versionPc,
    scaling: platform.scaling,
    lock: platform.releaseRecord.lock,
  };
}

/** Steady traffic, but the candidate errs once it serves the whole of live: it fails the watch. */
export function failsTheWatch(): MetricsScript {
  const steady = steadyTraffic(50);
  return (version, range, via, platform) => {
    const healthy = steady(version, range, via, platform);
    return version === '2' && platform.shareOf('2') === 1
      ? metricsOf(version, range, via, { invocations: healthy.invocations, errors: 100 })
      : healthy;
  };
}

/** live on one version with no weights, its PC as it was, no version PC left, scaling as it was, the lock free. */
export const consistentEnd = (live: string) => ({
  live: { version: live, weights: {} },
  livePc: LIVE_PC,
  versionPc: [],
  scaling: SCALING,
  lock: null,
});

export async function expectConsistent(platform: MemoryPlatform, live: string) {
  expect(await endState(platform)).toEqual(consistentEnd(live));
}

/** Every change to the platform was announced by the journal entry written just before it. */
export function expectJournaledFirst(platform: MemoryPlatform) {
  const entries = platform.releaseRecord.entries;
  for (const { change, journalLength } of platform.changes) {
    if (change.kind === 'alias') {
      const announced = entries[journalLength - 1];
      expect(announced && dataOf(announced, 'alias-update')).toEqual({
        version: change.version,
        weights: change.weights,
      });
    }
    if (change.kind === 'suspend-scaling') {
      expect(entries.slice(0, journalLength).some((entry) => entry.type === 'scaling-saved')).toBe(true);
    }
    if (change.kind === 'suspend-scaling' || change.kind === 'resume-scaling') {
      const announced = entries[journalLength - 1];
      expect(announced && dataOf(announced, 'scaling-change')).toEqual({
        change: change.kind === 'suspend-scaling' ? 'suspend' : 'resume',
      });
    }
    if (change.kind === 'put-pc' || change.kind === 'remove-pc') {
      const announced = entries[journalLength - 1];
      expect(announced && dataOf(announced, 'pc-change')).toEqual({
        qualifier: change.qualifier,
        executions: change.kind === 'put-pc' ? change.executions : null,
      });
    }
  }
}

export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the release to stop with an error, and it finished');
}

/** An onEnter that throws the first time the release enters `state`, as a SIGKILL would cut it off there. */
export function crashAt(state: StateName) {
  let crashed = false;
  return (entered: ReleaseState) => {
    if (entered.name === state && !crashed) {
      crashed = true;
      throw new Error(`sentinel crash at ${state}`);
    }
  };
}
