/**
 * `rollback` with no release running, pure: which version live goes back to (the stable version of the last
 * promoted release in the record, unless the operator names one), and when the rollback refuses, changing nothing.
 */
import type { AliasState, JournalEntry } from '../../platform/src/port.ts';
import { dataOf } from './journal.ts';
import type { ReleaseStarted } from './model.ts';

/**
 * The stable version of the last promoted release in the whole journal (every release's entries, oldest first):
 * what live ran before that release made its candidate live. null when no release was ever promoted.
 */
export function previousVersion(entries: readonly JournalEntry[]): string | null {
  const startedOf = new Map<string, ReleaseStarted>();
  let previous: string | null = null;
  for (const entry of entries) {
    const started = dataOf(entry, 'started');
    if (started !== null) startedOf.set(entry.releaseId, started);
    const finished = dataOf(entry, 'finished');
    if (finished?.outcome !== 'promoted') continue;
    previous = startedOf.get(entry.releaseId)?.stable ?? previous;
  }
  return previous;
}

export type RollbackDecision =
  | { readonly proceed: true; readonly to: string }
  | { readonly proceed: false; readonly reason: string };

/**
 * Whether live can be rolled back to `to` (null: the record named no previous version and the operator none) with
 * no release holding the lock. Refused, with every reason named, when live has weights (a shift half-done with no
 * release to finish it: only a human knows which version it should end on), when there is no version to go to,
 * when live already is that version, or when the version does not exist.
 */
export function rollbackCheck(input: {
  readonly alias: AliasState;
  readonly to: string | null;
  /** Whether `to` is a published version; only asked of a `to` that is named and not live already. */
  readonly versionExists: boolean;
}): RollbackDecision {
  const { alias, to } = input;
  const reasons: string[] = [];
  const weighted = Object.entries(alias.weights);
  if (weighted.length > 0) {
    const weights = weighted.map(([version, weight]) => `${weight} to version ${version}`).join(', ');
    reasons.push(
      `live routes ${weights} besides version ${alias.version} and no release holds the lock: put live on one ` +
        'version yourself (aws lambda update-alias --name live --function-version N --routing-config ' +
        `'{"AdditionalVersionWeights":{}}'), then roll back if it is still needed`,
    );
  }
  if (to === null) {
    reasons.push(
      'the release record has no promoted release whose stable version to go back to: name one with --to VERSION',
    );
  } else if (to === alias.version) {
    reasons.push(`version ${to} is already live: nothing to roll back`);
  } else if (!input.versionExists) {
    reasons.push(`version ${to} does not exist: name a published version with --to VERSION`);
  }
  if (reasons.length > 0 || to === null) return { proceed: false, reason: reasons.join('; ') };
  return { proceed: true, to };
}
