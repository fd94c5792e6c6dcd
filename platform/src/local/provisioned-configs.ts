/**
 * Provisioned concurrency as configured, apart from the environments that serve it (pool.ts): what each
 * qualifier asked for, how many environments of which version that wants (pc-allocation.ts splits `live`'s by
 * the alias's weights), whether its allocation FAILED and why, and the rule Lambda keeps across qualifiers:
 * provisioned concurrency is claimed out of the function's concurrency, so all of it together fits the limit
 * (CloudWatch's ClaimedAccountConcurrency, docs.aws.amazon.com/lambda/latest/dg/monitoring-concurrency.html).
 * Every put — a client's PutProvisionedConcurrencyConfig or the autoscaler's step — passes that one check here.
 */
import { type AliasState, LIVE_ALIAS, type ProvisionedConcurrency } from '../port.ts';
import { provisionedPerVersion } from './pc-allocation.ts';

/** One qualifier's configuration; a put or a moved alias replaces the object, so a late failure finds it stale. */
export interface ProvisionedConfig {
  readonly requested: number;
  failure: string | null;
}

/** Provisioned concurrency that would take the function's concurrency past its limit. */
export class ProvisionedConcurrencyLimitError extends Error {
  constructor(
    readonly qualifier: string,
    readonly requested: number,
    /** What the other qualifiers claim. */
    readonly elsewhere: number,
    readonly limit: number,
  ) {
    super(
      `provisioned concurrency ${requested} on ${qualifier} (plus ${elsewhere} on other qualifiers) is above ` +
        `the function's concurrency limit ${limit}: ask for at most ${limit - elsewhere}, remove another ` +
        "qualifier's, or start the platform with a higher --max-concurrency",
    );
    this.name = 'ProvisionedConcurrencyLimitError';
  }
}

/** The key of one qualifier's environments of one version. */
export const allocationKey = (qualifier: string, version: string) => `${qualifier}/${version}`;

export class ProvisionedConfigs {
  readonly #limit: number;
  readonly #configs = new Map<string, ProvisionedConfig>();
  #alias: AliasState | null = null;
  /** The old primary whose `live` environments a handover keeps serving until the new primary's are READY. */
  #retained: string | null = null;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get(qualifier: string): ProvisionedConfig | undefined {
    return this.#configs.get(qualifier);
  }

  /** What every qualifier's provisioned concurrency claims of the limit together. */
  claimed(): number {
    let sum = 0;
    for (const config of this.#configs.values()) sum += config.requested;
    return sum;
  }

  /** The most provisioned concurrency `qualifier` may have: the limit less what the other qualifiers claim. */
  room(qualifier: string): number {
    return this.#limit - (this.claimed() - (this.#configs.get(qualifier)?.requested ?? 0));
  }

  /** Sets `qualifier`'s provisioned concurrency; ProvisionedConcurrencyLimitError (nothing changed) past room. */
  put(qualifier: string, requested: number): void {
    const room = this.room(qualifier);
    if (requested > room) {
      throw new ProvisionedConcurrencyLimitError(qualifier, requested, this.#limit - room, this.#limit);
    }
    this.#configs.set(qualifier, { requested, failure: null });
  }

  remove(qualifier: string): void {
    this.#configs.delete(qualifier);
  }

  /**
   * The alias `live`'s provisioned concurrency is split by, and during Lambda's handover of it to a new primary
   * (local-function.ts) the old primary whose `live` environments are kept meanwhile; null when none is.
   */
  setAlias(alias: AliasState, retained: string | null = null): void {
    const moved = this.#alias !== null && JSON.stringify(this.#alias) !== JSON.stringify(alias);
    this.#alias = alias;
    this.#retained = retained;
    // A moved alias re-allocates: a FAILED allocation is tried again for the versions it now routes to. A new
    // config object, so that a start still failing for the old allocation does not mark the new one FAILED.
    const live = this.#configs.get(LIVE_ALIAS);
    if (moved && live !== undefined)
      this.#configs.set(LIVE_ALIAS, { requested: live.requested, failure: null });
  }

  /** Records why `config`'s allocation failed, unless it was replaced meanwhile (put again, the alias moved). */
  fail(qualifier: string, config: ProvisionedConfig, reason: string): void {
    if (this.#configs.get(qualifier) === config) config.failure = reason;
  }

  /** The environments `qualifier`'s provisioned concurrency wants, by version. */
  wanted(qualifier: string): Record<string, number> {
    const config = this.#configs.get(qualifier);
    if (config === undefined) return {};
    if (qualifier !== LIVE_ALIAS) return { [qualifier]: config.requested };
    if (this.#alias === null) return {};
    return provisionedPerVersion({
      configs: [{ qualifier, requested: config.requested }],
      alias: this.#alias,
    });
  }

  /** Every allocation wanted, by allocationKey. */
  allWanted(): Map<string, { qualifier: string; version: string; count: number }> {
    const all = new Map<string, { qualifier: string; version: string; count: number }>();
    for (const qualifier of this.#configs.keys()) {
      for (const [version, count] of Object.entries(this.wanted(qualifier))) {
        all.set(allocationKey(qualifier, version), { qualifier, version, count });
      }
    }
    return all;
  }

  /**
   * Whether `qualifier`'s environments of `version` are kept beyond what it wants: the old primary's on `live`
   * while a handover serves on them. They count toward neither the allocation nor its status.
   */
  retains(qualifier: string, version: string): boolean {
    return qualifier === LIVE_ALIAS && version === this.#retained && !this.#wants(qualifier, version);
  }

  /** Whether `qualifier`'s provisioned concurrency keeps environments of `version` (a cold start spills over). */
  covers(qualifier: string, version: string): boolean {
    return this.#wants(qualifier, version) || this.retains(qualifier, version);
  }

  #wants(qualifier: string, version: string): boolean {
    return (this.wanted(qualifier)[version] ?? 0) > 0;
  }

  /**
   * What GetProvisionedConcurrencyConfig answers for `qualifier`, given the environments allocated to it; null
   * when it has none configured. READY once every version has what it wants; FAILED (with the reason) once a
   * start of its allocation failed, until a put or a moved alias tries again.
   */
  status(
    qualifier: string,
    allocated: readonly { readonly version: string; readonly environment: { readonly alive: boolean } }[],
  ): ProvisionedConcurrency | null {
    const config = this.#configs.get(qualifier);
    if (config === undefined) return null;
    const complete = Object.entries(this.wanted(qualifier)).every(
      ([version, count]) => allocated.filter((a) => a.version === version).length >= count,
    );
    return {
      qualifier,
      requested: config.requested,
      allocated: allocated.length,
      // Initialised and able to take an invocation, busy or not (the port's `available`).
      available: allocated.filter((a) => a.environment.alive).length,
      status: config.failure !== null ? 'FAILED' : complete ? 'READY' : 'IN_PROGRESS',
      ...(config.failure === null ? {} : { statusReason: config.failure }),
    };
  }
}
