/**
 * The provisioned-concurrency rules Lambda enforces, pure, so the local platform refuses what AWS refuses and a
 * rehearsal cannot pass by relying on a configuration AWS would not take (docs/release.md, "What this changes for
 * the local model"):
 * - PC cannot be put on, resized on or removed from an alias while it has weights (Lambda's words: "Alias with
 *   weights can not be used with Provisioned Concurrency");
 * - a version has one PC configuration, on itself or on an alias that points to it: PC cannot be put on the
 *   version that `live` has as its primary while `live` has PC.
 * Making a version that has PC of its own `live`'s primary is NOT refused here: AWS documents no refusal for it,
 * and docs/release.md says how the release handles one if it comes.
 */
import { type AliasState, LIVE_ALIAS, ProvisionedConcurrencyConflictError } from '../port.ts';

export type ProvisionedConcurrencyChange = 'put' | 'remove';

/** Lambda's refusal of `change` on `qualifier` given the alias and whether `live` has PC configured; null when allowed. */
export function provisionedConcurrencyRefusal(
  change: ProvisionedConcurrencyChange,
  qualifier: string,
  state: { readonly alias: AliasState; readonly liveConfigured: boolean },
): ProvisionedConcurrencyConflictError | null {
  const { alias, liveConfigured } = state;
  const weighted = Object.keys(alias.weights).length > 0;
  if (qualifier === LIVE_ALIAS && weighted) {
    return new ProvisionedConcurrencyConflictError(
      qualifier,
      `Alias with weights can not be used with Provisioned Concurrency (${LIVE_ALIAS} routes ` +
        `${JSON.stringify(alias.weights)} beside version ${alias.version}): clear the weights first, or put ` +
        "provisioned concurrency on the version's own qualifier instead",
    );
  }
  if (change === 'put' && qualifier === alias.version && liveConfigured) {
    return new ProvisionedConcurrencyConflictError(
      qualifier,
      `version ${qualifier} is ${LIVE_ALIAS}'s primary and ${LIVE_ALIAS} has provisioned concurrency, and a ` +
        'version has one provisioned-concurrency configuration, on itself or on an alias that points to it: ' +
        `size ${LIVE_ALIAS}'s instead, or put it on the version before ${LIVE_ALIAS} names it`,
    );
  }
  return null;
}
