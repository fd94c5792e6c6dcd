/**
 * The function's execution environments: who serves the next invocation, who starts ahead of traffic, and when
 * a request is throttled. One invocation per environment at a time is the invariant everything here keeps.
 *
 * Dispatch follows Lambda: an idle provisioned environment of the qualifier (no cold start), else an idle
 * on-demand one, else a new on-demand one (a cold start; a spillover when the qualifier has provisioned
 * environments for that version), else — the function's concurrency limit reached — a throttle. Provisioned
 * concurrency is claimed out of the limit as Lambda claims it (CloudWatch's ClaimedAccountConcurrency: "the
 * amount of concurrency that is unavailable for on-demand invocations" includes the provisioned concurrency,
 * docs.aws.amazon.com/lambda/latest/dg/monitoring-concurrency.html): on-demand environments, busy or starting,
 * get what the configured provisioned concurrency leaves, so all of it together never exceeds the limit.
 */
import { describeError } from '../../../common/errors.ts';
import { type AliasState, LIVE_ALIAS, type ProvisionedConcurrency } from '../port.ts';
import type { Environment } from './environment.ts';
import { provisionedPerVersion } from './pc-allocation.ts';

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
  | { readonly kind: 'init-error'; readonly error: unknown; readonly spillover: boolean };

interface Pooled {
  readonly environment: Environment;
  readonly version: string;
  readonly startedFor: StartedFor;
  /** The qualifier whose provisioned concurrency this environment is; null for on-demand. */
  readonly provisionedFor: string | null;
  leased: boolean;
  idleSince: number;
}

interface ProvisionedConfig {
  requested: number;
  failure: string | null;
}

const startedForOf = (qualifier: string): StartedFor => (qualifier === LIVE_ALIAS ? 'live' : 'version');

export class EnvironmentPool {
  readonly #options: PoolOptions;
  readonly #pooled = new Set<Pooled>();
  readonly #configs = new Map<string, ProvisionedConfig>();
  /** Provisioned starts under way, by `${qualifier}/${version}`. */
  readonly #provisioning = new Map<string, number>();
  #startingOnDemand = 0;
  /** Leases held, all and on on-demand environments: counted, not scanned, as every request reads them. */
  #leased = 0;
  #leasedOnDemand = 0;
  #alias: AliasState | null = null;
  #closed = false;

  constructor(options: PoolOptions) {
    this.#options = options;
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
    const ready = idle(qualifier) ?? idle(null);
    if (ready !== undefined)
      return {
        kind: 'lease',
        lease: this.#lease(
          ready,
          false,
          ready.provisionedFor === null && this.#hasProvisioned(qualifier, version),
        ),
      };
    if (
      this.#closed ||
      this.#onDemandInUse() >= this.#options.maxConcurrency - this.#claimedByProvisioned()
    ) {
      return { kind: 'throttle' };
    }
    const spillover = this.#hasProvisioned(qualifier, version);
    this.#startingOnDemand += 1;
    let environment: Environment;
    try {
      environment = await this.#options.start({ version, startedFor, provisioned: false });
    } catch (error) {
      return { kind: 'init-error', error, spillover };
    } finally {
      this.#startingOnDemand -= 1;
    }
    const pooled = this.#adopt(environment, version, startedFor, null);
    if (this.#closed) {
      this.#stop(pooled);
      return { kind: 'throttle' };
    }
    return { kind: 'lease', lease: this.#lease(pooled, true, spillover) };
  }

  /** Busy environments plus on-demand ones starting (Lambda's ConcurrentExecutions). */
  concurrentExecutions(): number {
    return this.#leased + this.#startingOnDemand;
  }

  #onDemandInUse(): number {
    return this.#leasedOnDemand + this.#startingOnDemand;
  }

  #claimedByProvisioned(): number {
    return [...this.#configs.values()].reduce((sum, config) => sum + config.requested, 0);
  }

  /** The alias the provisioned concurrency on `live` is split by; reconciles at once. */
  setAlias(alias: AliasState): void {
    const moved = this.#alias !== null && JSON.stringify(this.#alias) !== JSON.stringify(alias);
    this.#alias = alias;
    // A moved alias re-allocates: a FAILED allocation is tried again for the versions it now routes to. A new
    // config object, so that a start still failing for the old allocation does not mark the new one FAILED.
    const live = this.#configs.get(LIVE_ALIAS);
    if (moved && live !== undefined)
      this.#configs.set(LIVE_ALIAS, { requested: live.requested, failure: null });
    this.#reconcile();
  }

  putProvisioned(qualifier: string, requested: number): void {
    this.#configs.set(qualifier, { requested, failure: null });
    this.#reconcile();
  }

  removeProvisioned(qualifier: string): void {
    this.#configs.delete(qualifier);
    this.#reconcile();
  }

  provisioned(qualifier: string): ProvisionedConcurrency | null {
    const config = this.#configs.get(qualifier);
    if (config === undefined) return null;
    const mine = [...this.#pooled].filter((p) => p.provisionedFor === qualifier);
    const wanted = this.#wanted(qualifier, config);
    const complete = Object.entries(wanted).every(
      ([version, count]) => mine.filter((p) => p.version === version).length >= count,
    );
    const status = config.failure !== null ? 'FAILED' : complete ? 'READY' : 'IN_PROGRESS';
    return {
      qualifier,
      requested: config.requested,
      allocated: mine.length,
      available: mine.filter((p) => !p.leased).length,
      status,
      ...(config.failure === null ? {} : { statusReason: config.failure }),
    };
  }

  /** Busy share of the provisioned environments of `qualifier`; null when none is allocated. */
  utilization(qualifier: string): number | null {
    const mine = [...this.#pooled].filter((p) => p.provisionedFor === qualifier);
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

  #hasProvisioned(qualifier: string, version: string): boolean {
    const config = this.#configs.get(qualifier);
    return config !== undefined && (this.#wanted(qualifier, config)[version] ?? 0) > 0;
  }

  #wanted(qualifier: string, config: ProvisionedConfig): Record<string, number> {
    if (qualifier !== LIVE_ALIAS) return { [qualifier]: config.requested };
    if (this.#alias === null) return {};
    return provisionedPerVersion({
      configs: [{ qualifier, requested: config.requested }],
      alias: this.#alias,
    });
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
    const wantedByKey = new Map<string, number>();
    for (const [qualifier, config] of this.#configs) {
      for (const [version, count] of Object.entries(this.#wanted(qualifier, config))) {
        wantedByKey.set(`${qualifier}/${version}`, count);
      }
    }
    for (const pooled of [...this.#pooled]) {
      if (pooled.provisionedFor === null) continue;
      const key = `${pooled.provisionedFor}/${pooled.version}`;
      const have = [...this.#pooled].filter((p) => `${p.provisionedFor}/${p.version}` === key).length;
      if (have > (wantedByKey.get(key) ?? 0) && !pooled.leased) this.#stop(pooled);
    }
    for (const [key, count] of wantedByKey) {
      const [qualifier, version] = key.split('/') as [string, string];
      const config = this.#configs.get(qualifier);
      if (config === undefined || config.failure !== null) continue;
      const ready = [...this.#pooled].filter(
        (p) => p.provisionedFor === qualifier && p.version === version,
      ).length;
      for (let missing = count - ready - (this.#provisioning.get(key) ?? 0); missing > 0; missing -= 1) {
        void this.#startProvisioned(qualifier, version, key, config);
      }
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
      // The config may have been replaced meanwhile (put again, the alias moved): only the one this start was
      // for records the failure.
      if (this.#configs.get(qualifier) === config) {
        config.failure = `version ${version}: ${describeError(error)}`;
      }
    } finally {
      const left = (this.#provisioning.get(key) ?? 1) - 1;
      if (left === 0) this.#provisioning.delete(key);
      else this.#provisioning.set(key, left);
    }
    if (this.#closed) {
      for (const pooled of this.#pooled) this.#stop(pooled);
    } else {
      this.#reconcile();
    }
  }
}
