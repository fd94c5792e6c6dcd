/**
 * Which version's environments provisioned concurrency keeps warm, pure. PC configured on a version qualifier
 * warms that version. PC configured on a weighted alias is split across the alias's versions by their weights.
 * That split is our model, not AWS's word: AWS documents only that a weighted alias's allocated provisioned
 * concurrency "fluctuates depending on the amount of concurrency that is provisioned for the function versions"
 * (API_ProvisionedConcurrencyConfigListItem, AllocatedProvisionedConcurrentExecutions), that more alias PC avoids
 * spillover while routing is active, and that alias PC cannot be changed while the alias has weights
 * (docs/release.md, "How Lambda behaves under a weighted alias"). So a candidate at 10 % gets about 10 % of the
 * warm environments here, and the rest of its traffic starts cold or spills over; the release warms a candidate
 * through its version qualifier instead, so it never depends on this split. The split rounds to the nearest whole
 * environment, keeps the total exactly as requested, and gives at least one to every weighted version once two or
 * more are requested, so a small shift still lands on a warm environment.
 */
import type { AliasState } from '../port.ts';

export interface ProvisionedConcurrencyConfig {
  /** The alias name or a version number. */
  readonly qualifier: string;
  readonly requested: number;
}

/** Each version's share of the alias by weight: the additional versions' weights, the primary the rest. */
function aliasShares(alias: AliasState): [version: string, weight: number][] {
  const additional = Object.entries(alias.weights);
  const primary = 1 - additional.reduce((sum, [, weight]) => sum + weight, 0);
  return [[alias.version, primary], ...additional];
}

/** `requested` environments split by weight: largest remainder (nearest rounding, exact total), then the minimum. */
function splitByWeight(requested: number, shares: [version: string, weight: number][]): Map<string, number> {
  const exact = shares.map(([version, weight]) => ({ version, weight, exact: requested * weight }));
  const allocation = new Map(exact.map(({ version, exact: value }) => [version, Math.floor(value)]));
  let left = requested - [...allocation.values()].reduce((sum, count) => sum + count, 0);
  // Stable sort: on equal remainders the primary (listed first) gets the environment.
  for (const { version } of [...exact].sort((a, b) => (b.exact % 1) - (a.exact % 1))) {
    if (left === 0) break;
    allocation.set(version, (allocation.get(version) ?? 0) + 1);
    left--;
  }
  if (requested >= 2) {
    for (const { version, weight } of exact) {
      if (weight <= 0 || (allocation.get(version) ?? 0) > 0) continue;
      const [richest] = [...allocation.entries()].sort(([, a], [, b]) => b - a);
      if (!richest || richest[1] < 2) continue;
      allocation.set(richest[0], richest[1] - 1);
      allocation.set(version, 1);
    }
  }
  return allocation;
}

/** Warm environments per version (versions with none are absent) for every PC config, given the alias. */
export function provisionedPerVersion(input: {
  readonly configs: readonly ProvisionedConcurrencyConfig[];
  readonly alias: AliasState;
}): Record<string, number> {
  const { configs, alias } = input;
  const perVersion: Record<string, number> = {};
  const add = (version: string, count: number) => {
    if (count > 0) perVersion[version] = (perVersion[version] ?? 0) + count;
  };
  for (const { qualifier, requested } of configs) {
    if (!Number.isSafeInteger(requested) || requested < 0) {
      throw new RangeError(
        `provisioned concurrency for ${qualifier}: ${requested} is not a whole number >= 0`,
      );
    }
    if (qualifier === alias.name) {
      for (const [version, count] of splitByWeight(requested, aliasShares(alias))) add(version, count);
    } else if (/^\d+$/.test(qualifier)) {
      add(qualifier, requested);
    } else {
      throw new RangeError(
        `provisioned concurrency qualifier ${qualifier} is neither the alias ${alias.name} nor a version number`,
      );
    }
  }
  return perVersion;
}
