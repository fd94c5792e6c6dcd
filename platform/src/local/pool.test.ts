import { describe, expect, it } from 'vitest';
import type { AliasState } from '../port.ts';
import type { Environment } from './environment.ts';
import { type Dispatch, EnvironmentPool, type Lease, type StartRequest } from './pool.ts';
import { ProvisionedConcurrencyLimitError } from './provisioned-configs.ts';

/** An environment double: the pool only starts, leases and stops environments, it never invokes them. */
function fakeEnvironment(version: string, id: number): Environment & { kill(): void } {
  let alive = true;
  let resolveExited = () => {};
  const exited = new Promise<void>((resolve) => {
    resolveExited = resolve;
  });
  const exit = () => {
    alive = false;
    resolveExited();
    return exited;
  };
  return {
    id: `env-${id}`,
    version,
    initMs: 1,
    pid: 0,
    busy: false,
    get alive() {
      return alive;
    },
    invocations: 0,
    invoke: () => Promise.reject(new Error('the pool never invokes')),
    stop: () => exit(),
    kill: () => exit(),
    exited,
  } as unknown as Environment & { kill(): void };
}

function harness(
  options: {
    maxConcurrency?: number;
    failVersions?: string[];
    startMs?: number;
    onProvisionedStart?: () => void;
  } = {},
) {
  const started: (StartRequest & { environment: ReturnType<typeof fakeEnvironment> })[] = [];
  const pool = new EnvironmentPool({
    maxConcurrency: options.maxConcurrency ?? 8,
    idleTimeoutMs: 1_000,
    start: async (request) => {
      await (options.startMs === undefined
        ? Promise.resolve()
        : new Promise((resolve) => setTimeout(resolve, options.startMs)));
      if (options.failVersions?.includes(request.version)) {
        throw new Error(`init of version ${request.version} failed: Error: boom`);
      }
      const environment = fakeEnvironment(request.version, started.length);
      started.push({ ...request, environment });
      return environment;
    },
    onProvisionedStart: options.onProvisionedStart,
  });
  return { pool, started };
}

const alias = (version: string, weights: Record<string, number> = {}, revisionId = 'r1'): AliasState => ({
  name: 'live',
  version,
  weights,
  revisionId,
});

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

function leaseOf(dispatch: Dispatch): Lease {
  if (dispatch.kind !== 'lease') throw new Error(`expected a lease, got ${dispatch.kind}`);
  return dispatch.lease;
}

describe('EnvironmentPool', () => {
  it('starts provisioned environments ahead of traffic and serves from them without a cold start', async () => {
    const { pool, started } = harness();
    pool.setAlias(alias('1'));
    pool.putProvisioned('live', 2);
    expect(pool.provisioned('live')?.status).toBe('IN_PROGRESS');
    await settle();
    expect(pool.provisioned('live')).toEqual({
      qualifier: 'live',
      requested: 2,
      allocated: 2,
      available: 2,
      status: 'READY',
    });
    expect(started.map((s) => [s.startedFor, s.provisioned])).toEqual([
      ['live', true],
      ['live', true],
    ]);
    const first = leaseOf(await pool.dispatch('1', 'live'));
    const second = leaseOf(await pool.dispatch('1', 'live'));
    expect([first.coldStart, second.coldStart, first.spillover]).toEqual([false, false, false]);
    expect(pool.utilization('live')).toBe(1);
    const third = leaseOf(await pool.dispatch('1', 'live'));
    expect([third.coldStart, third.spillover]).toEqual([true, true]);
    // Busy is not unavailable: the configuration counts initialised environments, whatever they are doing.
    expect(pool.provisioned('live')).toMatchObject({ allocated: 2, available: 2 });
  });

  it("serves a version through live from the version's own provisioned environments, and spills over beyond them", async () => {
    const { pool, started } = harness();
    pool.setAlias(alias('1', { '2': 0.1 }));
    pool.putProvisioned('2', 1);
    await settle();
    expect(started.map((s) => [s.version, s.startedFor, s.provisioned])).toEqual([['2', 'version', true]]);
    const warm = leaseOf(await pool.dispatch('2', 'live'));
    expect([warm.coldStart, warm.spillover, warm.environment]).toEqual([
      false,
      false,
      started[0]?.environment,
    ]);
    // Every one of them busy: the next request through live runs on-demand, counted as a spillover.
    const beyond = leaseOf(await pool.dispatch('2', 'live'));
    expect([beyond.coldStart, beyond.spillover]).toEqual([true, true]);
    // Version 1 has none of its own: a request for it through live is a plain cold start.
    const other = leaseOf(await pool.dispatch('1', 'live'));
    expect([other.coldStart, other.spillover]).toEqual([true, false]);
  });

  it('throttles at the concurrency limit and serves again once an environment is free', async () => {
    const { pool } = harness({ maxConcurrency: 2 });
    pool.setAlias(alias('1'));
    pool.putProvisioned('live', 1);
    await settle();
    const provisioned = leaseOf(await pool.dispatch('1', 'live'));
    leaseOf(await pool.dispatch('1', 'live'));
    expect((await pool.dispatch('1', 'live')).kind).toBe('throttle');
    expect(pool.concurrentExecutions()).toBe(2);
    provisioned.release();
    expect(leaseOf(await pool.dispatch('1', 'live')).coldStart).toBe(false);
  });

  it('leaves on-demand environments only what provisioned concurrency does not claim of the limit', async () => {
    const { pool } = harness({ maxConcurrency: 2 });
    pool.setAlias(alias('1'));
    pool.putProvisioned('live', 2);
    await settle();
    // Both idle, but they are live's: the version's own qualifier has no concurrency left.
    expect((await pool.dispatch('1', '1')).kind).toBe('throttle');
    leaseOf(await pool.dispatch('1', 'live'));
    leaseOf(await pool.dispatch('1', 'live'));
    expect((await pool.dispatch('1', 'live')).kind).toBe('throttle');
    pool.putProvisioned('live', 1);
    await settle();
    expect(leaseOf(await pool.dispatch('1', '1')).coldStart).toBe(true);
  });

  it('refuses provisioned concurrency past the limit less what other qualifiers claim, changing nothing', async () => {
    const { pool, started } = harness({ maxConcurrency: 4 });
    pool.setAlias(alias('1'));
    pool.putProvisioned('2', 2);
    pool.putProvisioned('live', 2);
    expect([pool.provisionedRoom('live'), pool.provisionedRoom('2'), pool.provisionedRoom('3')]).toEqual([
      2, 2, 0,
    ]);
    expect(() => pool.putProvisioned('live', 3)).toThrow(ProvisionedConcurrencyLimitError);
    expect(() => pool.putProvisioned('live', 3)).toThrow(
      /3 on live \(plus 2 on other qualifiers\).*limit 4: ask for at most 2/,
    );
    await settle();
    expect(pool.provisioned('live')).toMatchObject({ requested: 2, status: 'READY' });
    expect(started).toHaveLength(4);
    // Lowering another qualifier's makes room.
    pool.removeProvisioned('2');
    pool.putProvisioned('live', 4);
    expect(pool.provisionedRoom('3')).toBe(0);
  });

  it('splits provisioned concurrency on the alias by weight and re-allocates when the alias moves', async () => {
    const { pool, started } = harness();
    pool.setAlias(alias('1', { 2: 0.5 }));
    pool.putProvisioned('live', 2);
    await settle();
    expect(started.map((s) => s.version).sort()).toEqual(['1', '2']);
    pool.setAlias(alias('1', {}, 'r2'));
    await settle();
    expect(pool.provisioned('live')?.allocated).toBe(2);
    expect(started.at(-1)?.version).toBe('1');
    const v2 = started.find((s) => s.version === '2');
    await v2?.environment.exited;
  });

  it("keeps the old primary's live environments through a handover, serving, outside the new allocation, and stops them after", async () => {
    let provisionedStarts = 0;
    const { pool, started } = harness({ onProvisionedStart: () => (provisionedStarts += 1) });
    pool.setAlias(alias('1'));
    pool.putProvisioned('live', 2);
    await settle();
    pool.setAlias(alias('2', {}, 'r2'), '1');
    expect(pool.provisioned('live')).toMatchObject({ allocated: 0, status: 'IN_PROGRESS' });
    // The old primary still serves through live from its provisioned environments: no cold start, no spillover.
    const served = leaseOf(await pool.dispatch('1', 'live'));
    expect([served.coldStart, served.spillover]).toEqual([false, false]);
    served.release();
    await settle();
    expect(pool.provisioned('live')).toMatchObject({ allocated: 2, status: 'READY' });
    const old = started.filter((s) => s.version === '1');
    expect(old.map((s) => s.environment.alive)).toEqual([true, true]);
    // Each provisioned start said it ended, for the handover to look whether the allocation is READY.
    expect(provisionedStarts).toBe(4);
    pool.setAlias(alias('2', {}, 'r3'));
    await Promise.all(old.map((s) => s.environment.exited));
    expect(pool.provisioned('live')).toMatchObject({ allocated: 2, status: 'READY' });
  });

  it('keeps a surplus provisioned environment until its invocation ends', async () => {
    const { pool } = harness();
    pool.setAlias(alias('1'));
    pool.putProvisioned('live', 1);
    await settle();
    const busy = leaseOf(await pool.dispatch('1', 'live'));
    pool.removeProvisioned('live');
    expect(pool.concurrentExecutions()).toBe(1);
    busy.release();
    await busy.environment.exited;
  });

  it('marks the allocation FAILED with the reason when init fails, and does not retry on its own', async () => {
    const { pool, started } = harness({ failVersions: ['1'] });
    pool.setAlias(alias('1'));
    pool.putProvisioned('live', 2);
    await settle();
    const status = pool.provisioned('live');
    expect(status?.status).toBe('FAILED');
    expect(status?.statusReason).toMatch(/version 1: init of version 1 failed/);
    expect(started).toHaveLength(0);
    const dispatch = await pool.dispatch('1', 'live');
    expect(dispatch.kind).toBe('init-error');
  });

  it("returns a failed on-demand init's duration with its error: the invocation's Duration", async () => {
    const { pool } = harness({ failVersions: ['1'], startMs: 30 });
    const dispatch = await pool.dispatch('1', '1');
    if (dispatch.kind !== 'init-error') throw new Error(`expected an init-error, got ${dispatch.kind}`);
    expect(dispatch.error).toBeInstanceOf(Error);
    expect(dispatch.initMs).toBeGreaterThanOrEqual(25);
    expect(pool.concurrentExecutions()).toBe(0);
  });

  it('a start still failing for an allocation the alias moved away from does not fail the new one', async () => {
    const { pool } = harness({ failVersions: ['2'], startMs: 5 });
    pool.setAlias(alias('1'));
    pool.putProvisioned('live', 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    pool.setAlias(alias('2', {}, 'r2'));
    await new Promise((resolve) => setTimeout(resolve, 2));
    pool.setAlias(alias('1', {}, 'r3'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(pool.provisioned('live')).toMatchObject({ status: 'READY', allocated: 2 });
  });

  it('replaces a provisioned environment that died', async () => {
    const { pool, started } = harness();
    pool.setAlias(alias('1'));
    pool.putProvisioned('1', 1);
    await settle();
    started[0]?.environment.kill();
    await settle();
    expect(started).toHaveLength(2);
    expect(pool.provisioned('1')?.status).toBe('READY');
  });

  it('reuses an idle on-demand environment of the same qualifier kind and evicts it once idle too long', async () => {
    const { pool, started } = harness();
    const first = leaseOf(await pool.dispatch('3', '3'));
    first.release();
    const again = leaseOf(await pool.dispatch('3', '3'));
    expect([first.coldStart, again.coldStart, again.spillover]).toEqual([true, false, false]);
    expect(started.map((s) => [s.startedFor, s.provisioned])).toEqual([['version', false]]);
    again.release();
    // An environment started for the version's own URL never serves `live`: an @live fault must see live.
    expect(leaseOf(await pool.dispatch('3', 'live')).coldStart).toBe(true);
    pool.evictIdle(Date.now() + 1_000);
    await started[0]?.environment.exited;
  });

  it('close stops every environment', async () => {
    const { pool, started } = harness();
    pool.setAlias(alias('1'));
    pool.putProvisioned('live', 2);
    await settle();
    leaseOf(await pool.dispatch('1', 'live'));
    await pool.close();
    await Promise.all(started.map((s) => s.environment.exited));
    expect((await pool.dispatch('1', 'live')).kind).toBe('throttle');
  });
});
