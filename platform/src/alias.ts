/**
 * The `live` alias's rules, pure: which updates Lambda's UpdateAlias accepts, how a weighted alias picks a
 * version per request, and the three updates a release makes (shift, promote, roll back). LocalPlatform applies
 * them in its daemon; AwsPlatform leaves the checking to Lambda and only builds the updates.
 */
import { type AliasState, type AliasUpdate, RevisionConflictError, type VersionWeights } from './port.ts';

/** An update Lambda would refuse (InvalidParameterValueException): names the field, the value and the fix. */
export class InvalidAliasUpdateError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    fix: string,
  ) {
    super(`alias update: ${field} = ${JSON.stringify(value) ?? String(value)} is invalid: ${fix}`);
    this.name = 'InvalidAliasUpdateError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkWeight(field: string, weight: unknown): asserts weight is number {
  // Lambda's AdditionalVersionWeights take 0.0..1.0; 0 and 1 are no shift at all, so a release never sends them:
  // a weight of 1 is a promotion and a weight of 0 a roll back, each a different update.
  if (typeof weight !== 'number' || !(weight > 0 && weight < 1)) {
    throw new InvalidAliasUpdateError(
      field,
      weight,
      'a weight is a number strictly between 0 and 1; promote for all traffic, roll back for none',
    );
  }
}

/**
 * Throws InvalidAliasUpdateError for an update Lambda would refuse (an unknown version, a weight outside (0,1),
 * more than one additional version, the primary among the additional ones), then RevisionConflictError when the
 * alias moved since the update was planned. Checks the shape too: updates arrive as JSON over the control API.
 */
export function validateAliasUpdate(
  update: AliasUpdate,
  context: { readonly current: AliasState; readonly versions: readonly string[] },
): void {
  const { current, versions } = context;
  const candidate: unknown = update;
  if (!isRecord(candidate)) {
    throw new InvalidAliasUpdateError('update', candidate, 'send {version, weights, expectedRevisionId}');
  }
  const known = (version: unknown) => typeof version === 'string' && versions.includes(version);
  const published = versions.length === 0 ? 'none yet' : versions.join(', ');
  if (!known(candidate.version)) {
    throw new InvalidAliasUpdateError(
      'version',
      candidate.version,
      `name a published version (${published})`,
    );
  }
  if (!isRecord(candidate.weights)) {
    throw new InvalidAliasUpdateError('weights', candidate.weights, 'send an object, {} for no shift');
  }
  const entries = Object.entries(candidate.weights);
  if (entries.length > 1) {
    throw new InvalidAliasUpdateError(
      'weights',
      candidate.weights,
      'an alias routes to at most one additional version; shift one candidate at a time',
    );
  }
  for (const [version, weight] of entries) {
    if (!known(version)) {
      throw new InvalidAliasUpdateError(
        `weights.${version}`,
        weight,
        `name a published version (${published})`,
      );
    }
    if (version === candidate.version) {
      throw new InvalidAliasUpdateError(
        `weights.${version}`,
        weight,
        `version ${version} is the primary already; weight another version, or promote it with no weights`,
      );
    }
    checkWeight(`weights.${version}`, weight);
  }
  if (typeof candidate.expectedRevisionId !== 'string' || candidate.expectedRevisionId === '') {
    throw new InvalidAliasUpdateError(
      'expectedRevisionId',
      candidate.expectedRevisionId,
      'send the revisionId of the alias as you read it',
    );
  }
  if (candidate.expectedRevisionId !== current.revisionId) {
    throw new RevisionConflictError(current.name, candidate.expectedRevisionId, current.revisionId);
  }
}

/**
 * The version one request runs on, drawn per request as Lambda does: `random` in [0,1) below the additional
 * version's weight picks it, anything else the primary.
 */
export function pickVersion(alias: AliasState, random: number): string {
  if (!(random >= 0 && random < 1)) throw new RangeError(`pickVersion: random ${random} is outside [0, 1)`);
  let threshold = 0;
  for (const [version, weight] of Object.entries(alias.weights)) {
    threshold += weight;
    if (random < threshold) return version;
  }
  return alias.version;
}

const update = (alias: AliasState, version: string, weights: VersionWeights): AliasUpdate => ({
  version,
  weights,
  expectedRevisionId: alias.revisionId,
});

/** Gives `candidate` `weight` of the alias's traffic, the primary keeping the rest. */
export function shiftUpdate(alias: AliasState, candidate: string, weight: number): AliasUpdate {
  if (candidate === alias.version) {
    throw new InvalidAliasUpdateError(
      'candidate',
      candidate,
      `version ${candidate} is the primary already; shift a version that is not`,
    );
  }
  checkWeight(`weights.${candidate}`, weight);
  return update(alias, alias.version, { [candidate]: weight });
}

/** Makes `candidate` the primary with all the traffic. */
export function promoteUpdate(alias: AliasState, candidate: string): AliasUpdate {
  return update(alias, candidate, {});
}

/** Gives the primary all the traffic back: the candidate's weight goes. */
export function rollBackUpdate(alias: AliasState): AliasUpdate {
  return update(alias, alias.version, {});
}
