/**
 * What a deploy does about an alias the stack keeps (live, pretraffic), pure: the custom resource's handler
 * (handler.ts) gathers the facts, this decides, and the handler carries it out. A deploy never moves an alias that
 * exists; it recreates a missing one only where that cannot put production on code no release has vetted.
 */
import type { JournalEntry, ReleaseLock } from '../../platform/src/port.ts';
import { dataOf } from '../../release/src/journal.ts';

/**
 * Where a missing alias is recreated: `live` at the version the release record says it was left on;
 * `pretraffic` (no production traffic, an AWS_IAM URL only the release calls) anywhere, so at this deploy's version.
 */
export type RecreateAt = 'recorded-version' | 'deployed-version';

/**
 * The version the release record says live was left on: the last `alias-update` of a finished release (a
 * promotion's candidate, a roll back's stable version, a `rollback` run's target), when it left live on one
 * version. A release that never moved live (refused, stopped before traffic) leaves the one before in force. null
 * when no finished release ever moved live. An unfinished release's updates do not count: it was cut off, and
 * whether its last recorded move happened is unknown.
 */
export function recordedLiveVersion(entries: readonly JournalEntry[]): string | null {
  const finished = new Set(
    entries.filter((entry) => dataOf(entry, 'finished') !== null).map((entry) => entry.releaseId),
  );
  const last = entries
    .filter((entry) => finished.has(entry.releaseId))
    .map((entry) => dataOf(entry, 'alias-update'))
    .filter((update) => update !== null)
    .at(-1);
  if (last === undefined || Object.keys(last.weights).length > 0) return null;
  return last.version;
}

/** What the handler saw, for a missing `live` on update. */
export interface MissingLiveFacts {
  readonly functionName: string;
  /** The function the resource named before this update; another name means CloudFormation replaced it. */
  readonly previousFunctionName: string;
  readonly aliasName: string;
  /** The version this deploy published: never where live goes by itself. */
  readonly deployedVersion: string;
  readonly releaseTable: string;
  readonly lock: ReleaseLock | null;
  readonly recordedVersion: string | null;
  /** Whether recordedVersion is still a version of the function (false when there is none). */
  readonly recordedVersionExists: boolean;
}

export type Repair =
  | { readonly kind: 'create'; readonly version: string; readonly why: string }
  | { readonly kind: 'refuse'; readonly reason: string };

/**
 * A missing `live` on update: recreated at the recorded version when the record names one that still exists and
 * is not this deploy's; otherwise refused with the repair (the deploy fails and CloudFormation rolls it back, so
 * nothing is half done). Each refusal names the function, what was found and the exact commands.
 */
export function repairMissingLive(facts: MissingLiveFacts): Repair {
  const { functionName: fn, aliasName: alias, deployedVersion: deployed } = facts;
  const versions = `aws lambda list-versions-by-function --function-name ${fn} --query 'Versions[].Version'`;
  const createBy = (version: string) =>
    `aws lambda create-alias --function-name ${fn} --name ${alias} --function-version ${version}`;
  const release = (command: string) =>
    `npm run release -- ${command} --function ${fn} --record-table ${facts.releaseTable} --stage <stage>`;
  const thenDeploy = 'then deploy again (the deploy finds the alias and leaves it where it is)';
  const missing = `alias ${alias} of ${fn} is missing`;

  if (facts.previousFunctionName !== fn) {
    return {
      kind: 'refuse',
      reason:
        `${missing}: CloudFormation is replacing the function (${facts.previousFunctionName} → ${fn}), whose only ` +
        `version is this deploy's ${deployed}, which no release has vetted, so ${alias} is not created on it. The ` +
        `update rolls back and ${facts.previousFunctionName} keeps serving. A replaced function also gets a new ` +
        'Function URL: make the change as a new stage (its first deploy creates live), move clients to its URL, ' +
        'then delete the old stack',
    };
  }
  if (facts.lock !== null) {
    return {
      kind: 'refuse',
      reason:
        `${missing} while release ${facts.lock.releaseId} (held by ${facts.lock.holder} since ` +
        `${facts.lock.acquiredAt}) holds the lock in ${facts.releaseTable}: the release decides where ${alias} goes. ` +
        `Read its stable version (${release('status')}), ${createBy('<that stable version>')}, abort the release ` +
        `(${release('abort')} --reason "${alias} was deleted"), ${thenDeploy}`,
    };
  }
  const recorded = facts.recordedVersion;
  if (recorded === null) {
    return {
      kind: 'refuse',
      reason:
        `${missing} and release table ${facts.releaseTable} records no finished release that moved it, so the ` +
        `version it served is unknown here: it is the version the stack's first deploy created it on, unless ` +
        `someone moved it by hand. List the versions (${versions}), pick that one (never ${deployed}, this ` +
        `deploy's, which no release has vetted), ${createBy('<that version>')}, ${thenDeploy}`,
    };
  }
  if (recorded === deployed) {
    return {
      kind: 'refuse',
      reason:
        `${missing}: the release record names version ${recorded}, which is this deploy's own version number, so ` +
        `the record cannot be of this function's code. Check ${versions}, ${createBy('<the version production ran>')}, ` +
        thenDeploy,
    };
  }
  if (!facts.recordedVersionExists) {
    return {
      kind: 'refuse',
      reason:
        `${missing} and version ${recorded}, where release table ${facts.releaseTable} says it was left, no longer ` +
        `exists. List the versions (${versions}), pick the one production should run (not ${deployed}, this ` +
        `deploy's), ${createBy('<that version>')}, ${thenDeploy}`,
    };
  }
  return {
    kind: 'create',
    version: recorded,
    why: `${missing}: recreated at version ${recorded}, where release table ${facts.releaseTable} says the last finished release left it`,
  };
}
