/**
 * The function's execution environments: who serves the next invocation, who starts ahead of traffic, and when
 * a request is throttled. One invocation per environment at a time is the invariant everything here keeps.
 *
 * Dispatch follows Lambda: an idle provisioned environment of the qualifier, else one of the version's own
 * provisioned concurrency (PC on a version serves it through any alias that routes to it, which is how a release
 * warms a candidate before `live` sends it traffic; docs/release.md), else an idle on-demand one (none of these a
 * cold start), else a new on-demand one (a cold start; a spillover when provisioned environments for that version
 * exist for the caller), else — the function's concurrency limit reached — a throttle. Provisioned
 * concurrency is claimed out of the limit (provisioned-configs.ts keeps the configurations and that rule):
 * on-demand environments, busy or starting, get what the configured provisioned concurrency leaves, so all of it
 * together never exceeds the limit, but during Lambda's handover of `live`'s PC (live-alias.ts): the old primary's
 * `live` environments are kept serving beside the new primary's, and are not claimed twice.
 */
import { describeError } from '../../../common/errors.ts';
import { type AliasState, LIVE_ALIAS, type ProvisionedConcurrency } from '../port.ts';
import type { Environment } from './environment.ts';
import { allocationKey, type ProvisionedConfig, ProvisionedConfigs } from './provisioned-configs.ts';

/** Through the `live` alias or a version's own qualifier: an `@live` fault only strikes the first. */
export type StartedFor = 'live' | 'version';

export interface StartRequest {
  readonly version: string;
  readonly startedFor: StartedFor;
  /** Started ahead of traffic for provisioned concurrency (AWS_LAMBDA_INITIALIZATION_TYPE says so). */
  readonly provisioned: boolean;
}

export interface PoolOptions {
  /** The function's concurrency limit: busy environments plus on-demand ones starting. */
  readonly maxConcurrency: number;
  /** An on-demand environment idle this long is stopped (Lambda reclaims idle environments). */
  readonly idleTimeoutMs: number;
  /** Starts (and initialises) one environment; the daemon binds the runtime, the version's dir and faults. */
  readonly start: (request: StartRequest) => Promise<Environment>;
  /** Called whenever a provisioned environment's start ends, started or failed: an allocation may be READY now. */
  readonly onProvisionedStart?: () => void;
}

/** An environment held for one invocation; release it when the invocation is over. */
export interface Lease {
  readonly environment: Environment;
  readonly coldStart: boolean;
  readonly spillover: boolean;
  release(): void;
}

export type Dispatch =
  | { readonly kind: 'lease'; readonly lease: Lease }
  | { readonly kind: 'throttle' }
  | {
      readonly kind: 'init-error';
      readonly error: unknown;
      readonly spillover: boolean;
      /** How long the failed start took, spawn to failure: the invocation's Duration (front.ts says why). */
      readonly initMs: number;
    };

interface Pooled {
  readonly environment: Environment;
  readonly version: string;
  readonly startedFor: StartedFor;
  /** The qualifier whose provisioned concurrency this environment is; null for on-demand. */
  readonly provisionedFor: string | null;
  leased: boolean;
  idleSince: number;
}

const startedForOf = (qualifier: string): StartedFor => (qualifier === LIVE_ALIAS ? 'live' : 'version');

export class EnvironmentPool {
  readonly #options: PoolOptions;
  readonly #pooled = new Set<Pooled>();
  readonly #configs: ProvisionedConfigs;
  /** Provisioned starts under way, by `${qualifier}/${version}`. */
  readonly #provisioning = new Map<string, number>();
  #startingOnDemand = 0;
  /** Leases held, all and on on-demand environments: counted, not scanned, as every request reads them. */
  #leased = 0;
  #leasedOnDemand = 0;
  #closed = false;

  constructor(options: PoolOptions) {
    this.#options = options;
    this.#configs = new ProvisionedConfigs(options.maxConcurrency);
  }

  /** Takes an environment for one invocation of `version` through `qualifier` (`live` or the version). */
  async dispatch(version: string, qualifier: string): Promise<Dispatch> {
    const startedFor = startedForOf(qualifier);
    // Every request passes here: a plain loop over the set, no copies.
    const idle = (provisionedFor: string | null) => {
      for (const p of this.#pooled) {
        if (
          !p.leased &&
          p.environment.alive &&
          p.version === version &&
          p.provisionedFor === provisionedFor &&
          (provisionedFor !== null || p.startedFor === startedFor)
        )
          return p;
      }
      return undefined;
    };
    // The environments a request for `version` through `qualifier` may take, provisioned first.
    const ready = idle(qualifier) ?? (qualifier === version ? undefined : idle(version)) ?? idle(null);
    // Provisioned environments of the version exist for this caller: an on-demand one is a spillover.
    const covered = this.#configs.covers(qualifier, version) || this.#configs.covers(version, version);
    if (ready !== undefined) {
      return { kind: 'lease', lease: this.#lease(ready, false, ready.provisionedFor === null && covered) };
    }
    if (this.#closed || this.#onDemandInUse() >= this.#options.maxConcurrency - this.#configs.claimed()) {
      return { kind: 'throttle' };
    }
    this.#startingOnDemand += 1;
    const startedAt = performance.now();
    let environment: Environment;
    try {
      environment = await this.#options.start({ version, startedFor, provisioned: false });
    } catch (error) {
      return { kind: 'init-error', error, spillover: covered, initMs: performance.now() - startedAt };
    } finally {
      this.#startingOnDemand -= 1;
    }
    const pooled = this.#adopt(environment, version, startedFor, null);
    if (this.#closed) {
      this.#stop(pooled);
      return { kind: 'throttle' };
    }
    return { kind: 'lease', lease: this.#lease(pooled, true, covered) };
  }

  /** Busy environments plus on-demand ones starting (Lambda's ConcurrentExecutions). */
  concurrentExecutions(): number {
    return this.#leased + this.#startingOnDemand;
  }

  #onDemandInUse(): number {
    return this.#leasedOnDemand + this.#startingOnDemand;
  }

  /**
   * The alias the provisioned concurrency on `live` is split by; reconciles at once. `retained` names the old
   * primary during a handover: its `live` environments stay, serving, until the alias is set without it.
   */
  setAlias(alias: AliasState, retained: string | null = null): void {
    this.#configs.setAlias(alias, retained);
    this.#reconcile();
  }

  /**
   * Sets `qualifier`'s provisioned concurrency and starts or stops environments to match. Past the limit less
   * what the other qualifiers claim (provisionedRoom), it throws ProvisionedConcurrencyLimitError and changes
   * nothing: a client's put and the autoscaler's step meet the same check.
   */
  putProvisioned(qualifier: string, requested: number): void {
    this.#configs.put(qualifier, requested);
    this.#reconcile();
  }

  /** The most provisioned concurrency `qualifier` may have now. */
  provisionedRoom(qualifier: string): number {
    return this.#configs.room(qualifier);
  }

  removeProvisioned(qualifier: string): void {
    this.#configs.remove(qualifier);
    this.#reconcile();
  }

  provisioned(qualifier: string): ProvisionedConcurrency | null {
    const allocated = this.#provisionedFor(qualifier).filter(
      (p) => !this.#configs.retains(qualifier, p.version),
    );
    return this.#configs.status(qualifier, allocated);
  }

  /** Busy share of the provisioned environments of `qualifier`; null when none is allocated. */
  utilization(qualifier: string): number | null {
    const mine = this.#provisionedFor(qualifier);
    if (mine.length === 0) return null;
    return mine.filter((p) => p.leased).length / mine.length;
  }

  /** Stops on-demand environments idle for longer than the idle timeout. */
  evictIdle(now: number = Date.now()): void {
    for (const pooled of this.#pooled) {
      if (
        pooled.provisionedFor === null &&
        !pooled.leased &&
        now - pooled.idleSince >= this.#options.idleTimeoutMs
      ) {
        this.#stop(pooled);
      }
    }
  }

  /** Stops every environment (and any that finishes starting later); resolves when all have exited. */
  async close(): Promise<void> {
    this.#closed = true;
    const exits = [...this.#pooled].map((p) => p.environment.exited);
    for (const pooled of this.#pooled) this.#stop(pooled);
    await Promise.all(exits);
    while (this.#startingOnDemand > 0 || this.#provisioning.size > 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  #provisionedFor(qualifier: string): Pooled[] {
    return [...this.#pooled].filter((p) => p.provisionedFor === qualifier);
  }

  #lease(pooled: Pooled, coldStart: boolean, spillover: boolean): Lease {
    pooled.leased = true;
    const onDemand = pooled.provisionedFor === null ? 1 : 0;
    this.#leased += 1;
    this.#leasedOnDemand += onDemand;
    let released = false;
    return {
      environment: pooled.environment,
      coldStart,
      spillover,
      release: () => {
        if (released) return;
        released = true;
        pooled.leased = false;
        this.#leased -= 1;
        this.#leasedOnDemand -= onDemand;
        pooled.idleSince = Date.now();
        // A provisioned environment no longer wanted (the alias moved, PC went down) goes once it is idle.
        if (pooled.provisionedFor !== null) this.#reconcile();
      },
    };
  }

  #adopt(
    environment: Environment,
    version: string,
    startedFor: StartedFor,
    provisionedFor: string | null,
  ): Pooled {
    const pooled: Pooled = {
      environment,
      version,
      startedFor,
      provisionedFor,
      leased: false,
      idleSince: Date.now(),
    };
    this.#pooled.add(pooled);
    void environment.exited.then(() => {
      this.#pooled.delete(pooled);
      // Lambda replaces a provisioned environment that died (a crash, a timeout) to keep the allocation.
      if (pooled.provisionedFor !== null && !this.#closed) this.#reconcile();
    });
    return pooled;
  }

  #stop(pooled: Pooled): void {
    this.#pooled.delete(pooled);
    void pooled.environment.stop();
  }

  /** Starts missing provisioned environments ahead of traffic and stops surplus idle ones. */
  #reconcile(): void {
    if (this.#closed) return;
    const wanted = this.#configs.allWanted();
    const have = new Map<string, number>();
    for (const pooled of this.#pooled) {
      if (pooled.provisionedFor === null) continue;
      const key = allocationKey(pooled.provisionedFor, pooled.version);
      have.set(key, (have.get(key) ?? 0) + 1);
    }
    for (const pooled of [...this.#pooled]) {
      if (pooled.provisionedFor === null || pooled.leased) continue;
      if (this.#configs.retains(pooled.provisionedFor, pooled.version)) continue;
      const key = allocationKey(pooled.provisionedFor, pooled.version);
      const count = have.get(key) ?? 0;
      if (count > (wanted.get(key)?.count ?? 0)) {
        have.set(key, count - 1);
        this.#stop(pooled);
      }
    }
    for (const [key, { qualifier, version, count }] of wanted) {
      const config = this.#configs.get(qualifier);
      if (config === undefined || config.failure !== null) continue;
      const missing = count - (have.get(key) ?? 0) - (this.#provisioning.get(key) ?? 0);
      for (let i = 0; i < missing; i += 1) void this.#startProvisioned(qualifier, version, key, config);
    }
  }

  async #startProvisioned(
    qualifier: string,
    version: string,
    key: string,
    config: ProvisionedConfig,
  ): Promise<void> {
    this.#provisioning.set(key, (this.#provisioning.get(key) ?? 0) + 1);
    try {
      const environment = await this.#options.start({
        version,
        startedFor: startedForOf(qualifier),
        provisioned: true,
      });
      this.#adopt(environment, version, startedForOf(qualifier), qualifier);
    } catch (error) {
      this.#configs.fail(qualifier, config, `version ${version}: ${describeError(error)}`);
    } finally {
      const left = (this.#provisioning.get(key) ?? 1) - 1;
      if (left === 0) this.#provisioning.delete(key);
      else this.#provisioning.set(key, left);
    }
    if (this.#closed) {
      for (const pooled of this.#pooled) this.#stop(pooled);
    } else {
      this.#reconcile();
      this.#options.onProvisionedStart?.();
    }
  }
}
