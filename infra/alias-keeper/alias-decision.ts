/**
 * What a deploy does about an alias the stack keeps (live, pretraffic), pure: the custom resource's handler
 * (handler.ts) gathers the facts, this decides, and the handler carries it out. A deploy never moves an alias that
 * exists; it recreates a missing one only where that cannot put production on code no release has vetted.
 */
import type { JournalEntry, ReleaseLock } from '../../platform/src/port.ts';
import { dataOf } from '../../release/src/journal.ts';
import { LIVE_ALIAS_NAME, OUTPUT_KEYS } from '../lib/names.ts';

/**
 * Where a missing alias is recreated: `live` at the version the release record says it was left on;
 * `pretraffic` (no production traffic, an AWS_IAM URL only the release calls) anywhere, so at this deploy's version.
 */
export type RecreateAt = 'recorded-version' | 'deployed-version';

/** A kept alias's function and the version a deploy published, as one side of an update names them. */
export interface DeployedFunction {
  readonly functionName: string;
  readonly deployedVersion: string;
}

/**
 * Whether an update is CloudFormation rolling a failed deploy back: it sends the resource another Update whose
 * ResourceProperties are the ones from before the deploy and whose OldResourceProperties are the failed deploy's
 * (aws/aws-cdk#17040, #29581). A deploy only ever raises DeployedVersion on the same function (Lambda numbers a
 * function's versions upward from 1 and never reuses a number; publishing unchanged code returns the latest), so a
 * lower one is that roll back. It must succeed and create nothing: refusing it again leaves the stack in
 * UPDATE_ROLLBACK_FAILED, and the version it came from is the failed deploy's, which no release vetted (kept as
 * the stack retains its versions).
 */
export function isRollbackUpdate(current: DeployedFunction, previous: DeployedFunction): boolean {
  return (
    current.functionName === previous.functionName &&
    Number(previous.deployedVersion) > Number(current.deployedVersion)
  );
}

/**
 * Whether CloudFormation is replacing the function: the update names another function than before. Each alias's
 * Function URL resource targets the function's ARN, a property whose change replaces it (CloudFormation template
 * reference, AWS::Lambda::Url: TargetFunctionArn, "Update requires: Replacement"), and it DependsOn the kept alias
 * (live-alias.ts, pretraffic-alias.ts): the new function's URL is made by this same deploy, after the keeper
 * answers. A URL missing then is the deploy's order, not a deleted URL, so the keeper does not check it. On the
 * roll back of a replacement (the same two names, swapped) the old function's URL resource was never touched, as
 * CloudFormation deletes a replaced resource only once the deploy succeeds, and a refusal would only stop the
 * roll back.
 */
export function isFunctionReplacement(current: DeployedFunction, previous: DeployedFunction): boolean {
  return current.functionName !== previous.functionName;
}

/**
 * Whether a create of `live` is the function's very first deploy, the one time live may go on the deployed version:
 * version 1 (none was published before it) and a release record without entries. Anything else (the first deploy
 * with the keeper on a function that served for a while, whose live was deleted) goes through the repair.
 */
export function isFirstDeploy(deployedVersion: string, entries: readonly JournalEntry[]): boolean {
  return deployedVersion === '1' && entries.length === 0;
}

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

/** What the handler saw, for a missing `live` on update or on a create that is not the function's first deploy. */
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
 * A missing `live` (on update, or on a create that is not the function's first deploy): recreated at the recorded
 * version when the record names one that still exists and is not this deploy's; otherwise refused with the repair
 * (the deploy fails and CloudFormation rolls it back; the roll back's own update is recognised by
 * isRollbackUpdate and does nothing). Each refusal names the function, what was found and the exact commands.
 */
export function repairMissingLive(facts: MissingLiveFacts): Repair {
  const { functionName: fn, aliasName: alias, deployedVersion: deployed } = facts;
  const versions = `aws lambda list-versions-by-function --function-name ${fn} --query 'Versions[].Version'`;
  const createBy = (version: string) =>
    `aws lambda create-alias --function-name ${fn} --name ${alias} --function-version ${version}`;
  const release = (command: string) =>
    `npm run release -- ${command} --function ${fn} --record-table ${facts.releaseTable} --stage <stage>`;
  const thenDeploy =
    'then deploy again (the deploy leaves the alias where it is, and says how to make its Function URL again if ' +
    'that went with it)';
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

/** What the handler saw for a kept alias whose Function URL is missing. */
export interface MissingUrlFacts {
  readonly functionName: string;
  readonly aliasName: string;
  /** The version the alias is on now. */
  readonly version: string;
  /** Whether this deploy just recreated the alias (it was missing too). */
  readonly recreated: boolean;
}

/**
 * The refusal for a kept alias without its Function URL. Lambda keeps a URL config, a provisioned-concurrency config
 * and permission statements per alias, so an alias deleted by hand comes back without them, and CloudFormation
 * does not recreate them: their resources' properties did not change, so a deploy never touches them. A deleted
 * URL cannot be recovered, and a new one has a new address (Lambda API reference, DeleteFunctionUrlConfig).
 */
export function refuseMissingUrl(facts: MissingUrlFacts): string {
  const { functionName: fn, aliasName: alias } = facts;
  const getUrl = `aws lambda get-function-url-config --function-name ${fn} --qualifier ${alias} --query FunctionUrl`;
  const state = facts.recreated
    ? `was missing and is recreated at version ${facts.version}, but has no Function URL`
    : `(version ${facts.version}) has no Function URL`;
  const createUrl = (authType: string) =>
    `aws lambda create-function-url-config --function-name ${fn} --qualifier ${alias} --auth-type ${authType}`;
  const found = `alias ${alias} of ${fn} ${state} (GetFunctionUrlConfig: not found)`;
  const noDeploy = 'a deploy does not make it again, as the URL resource is unchanged';
  if (alias !== LIVE_ALIAS_NAME) {
    return (
      `${found}: a release cannot test its candidate alone until it is made again, and ${noDeploy}. ` +
      `Create it: ${createUrl('AWS_IAM')}. Its address is new: the release reads it itself, the stack output ` +
      `${OUTPUT_KEYS.pretrafficUrl} keeps the old one. Then deploy again`
    );
  }
  return (
    `${found}: production has no URL until it is made again, and ${noDeploy}. Create it: ` +
    `${createUrl("<the stage's functionUrlAuthType: AWS_IAM, or NONE with the two add-permission calls in docs/infrastructure.md>")}. ` +
    `Its address is new: give clients ${getUrl}; the stack output ${OUTPUT_KEYS.functionUrl} keeps the old one. ` +
    `Provisioned concurrency is kept per alias as well: if aws lambda get-provisioned-concurrency-config ` +
    `--function-name ${fn} --qualifier ${alias} finds none, aws application-autoscaling register-scalable-target ` +
    '--service-namespace lambda --scalable-dimension lambda:function:ProvisionedConcurrency ' +
    `--resource-id function:${fn}:${alias} --min-capacity <the stage's provisionedConcurrency.min> ` +
    '--max-capacity <its max> (infra/config/stages.ts) brings it back to min. Then deploy again'
  );
}

/**
 * The repair for a stack whose roll back failed on a kept alias anyway: a keeper from before isRollbackUpdate
 * (the roll back runs the keeper code from before the deploy) refuses the roll back's update as it refused the
 * deploy's, and the stack stops in UPDATE_ROLLBACK_FAILED.
 */
export function rollbackFailedRepair(stackId: string, logicalId: string): string {
  return (
    `If the roll back stops at UPDATE_ROLLBACK_FAILED on ${logicalId}: aws cloudformation continue-update-rollback ` +
    `--stack-name ${stackId} --resources-to-skip ${logicalId}`
  );
}
