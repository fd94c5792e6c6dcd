/**
 * `live` as the local function keeps it, with Lambda's handover of its provisioned concurrency (PC) to a new
 * primary: on AWS, when live's primary changes while live has PC, Lambda keeps the traffic on the old version with
 * weights of its own (AdditionalVersionWeights {old: 1}) until the new primary's PC is READY, then clears them
 * (docs/release.md cites terraform-provider-aws#48116). Only the state: the local function (local-function.ts)
 * allocates live's PC by `allocation()`, keeps the old primary's environments serving meanwhile, and ends the
 * handover once the allocation is READY (docs/local-platform.md).
 */
import { randomUUID } from 'node:crypto';
import { type AliasState, LIVE_ALIAS, type VersionWeights } from '../port.ts';

/** What live's PC is allocated by, and the version whose `live` environments keep serving meanwhile. */
export interface LiveAllocation {
  readonly alias: AliasState;
  readonly retained: string | null;
}

/** `live` at a new revision, as every change of it is. */
const aliasState = (version: string, weights: VersionWeights): AliasState => ({
  name: LIVE_ALIAS,
  version,
  weights: { ...weights },
  revisionId: randomUUID(),
});

export class LiveAlias {
  #current: AliasState | null = null;
  /** The version still serving and the alias once the move is done; null when no handover is under way. */
  #handover: { readonly from: string; readonly to: AliasState } | null = null;

  /** What GetAlias answers (Lambda's weights during a handover); null before the first version is published. */
  get current(): AliasState | null {
    return this.#current;
  }

  /** The version still serving while a handover is under way, else null. */
  get handingOverFrom(): string | null {
    return this.#handover?.from ?? null;
  }

  allocation(): LiveAllocation | null {
    if (this.#handover !== null) return { alias: this.#handover.to, retained: this.#handover.from };
    return this.#current === null ? null : { alias: this.#current, retained: null };
  }

  /**
   * Sets live to an update already validated. A primary other than the version serving now, while live has PC,
   * starts (or retargets) a handover; anything else applies at once, and ends a handover under way: an update
   * back to the version still serving needs none, its environments are there.
   */
  update(update: { readonly version: string; readonly weights: VersionWeights }, liveHasPc: boolean): void {
    const serving = this.#handover?.from ?? this.#current?.version;
    if (liveHasPc && serving !== undefined && update.version !== serving) {
      this.#handover = { from: serving, to: aliasState(update.version, update.weights) };
      this.#current = aliasState(update.version, { [serving]: 1 });
    } else {
      this.#handover = null;
      this.#current = aliasState(update.version, update.weights);
    }
  }

  /** Ends the handover: Lambda clears its weights, at a new revision. */
  finishHandover(): void {
    if (this.#handover === null) return;
    const { to } = this.#handover;
    this.#handover = null;
    this.#current = aliasState(to.version, to.weights);
  }
}
