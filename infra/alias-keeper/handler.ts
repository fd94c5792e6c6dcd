/**
 * The Lambda behind the `Custom::KeptAlias` resources (infra/lib/kept-alias.ts): CloudFormation sends it the
 * resource's events and it answers on the event's pre-signed ResponseURL.
 * - Create: an alias already there is kept as it is (a release made pretraffic first, or the keeper's resource was
 *   just replaced). A missing pretraffic is created at this deploy's version; a missing `live` only on the
 *   function's first deploy (alias-decision.ts isFirstDeploy), otherwise it goes through the repair, as on update.
 * - Update (every deploy that publishes a version, the one property that changes): CloudFormation's roll back of a
 *   failed deploy (isRollbackUpdate) succeeds doing nothing. Otherwise GetAlias; an alias that exists is left where
 *   it is, a missing one is recreated as alias-decision.ts decides (live at the release record's version,
 *   pretraffic at this deploy's) or the update fails with the repair. Then the alias must have its Function URL,
 *   which no deploy makes again: without it the update fails with the commands that do. Not on a function
 *   replacement (isFunctionReplacement): this deploy makes the new function's URL, after the keeper answers.
 * - Delete: nothing; deleting the function deletes its aliases, and a replaced resource must not take the alias
 *   with it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateAliasCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  GetFunctionUrlConfigCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { z } from 'zod';
import { describeError } from '../../common/errors.ts';
import { errorCode } from '../../platform/src/aws/aws-call.ts';
import { DynamoDbReleaseRecordStore } from '../../platform/src/aws/dynamodb-release-record.ts';
import type { JournalEntry, ReleaseLock } from '../../platform/src/port.ts';
import {
  isFirstDeploy,
  isFunctionReplacement,
  isRollbackUpdate,
  type RecreateAt,
  recordedLiveVersion,
  refuseMissingUrl,
  repairMissingLive,
  rollbackFailedRepair,
} from './alias-decision.ts';
import { type CustomResourceResponse, fitReason } from './custom-resource-response.ts';

const RECREATE_AT: readonly RecreateAt[] = ['recorded-version', 'deployed-version'];

/** The resource's properties, as kept-alias.ts sets them (CloudFormation passes every value as a string). */
const propertiesSchema = z.object({
  FunctionName: z.string().min(1),
  FunctionArn: z.string().min(1),
  AliasName: z.string().min(1),
  DeployedVersion: z.string().regex(/^\d+$/),
  Description: z.string(),
  RecreateAt: z.enum(RECREATE_AT),
  /** Where the release record is; required for RecreateAt recorded-version. */
  ReleaseTable: z.string().min(1).optional(),
});
type KeptAliasProperties = z.infer<typeof propertiesSchema>;

export interface AliasKeeperPorts {
  readonly lambda: LambdaClient;
  readonly dynamodb: DynamoDBClient;
  /** PUTs the response to CloudFormation's pre-signed URL. */
  readonly respond: (url: string, response: CustomResourceResponse) => Promise<void>;
  readonly log: (line: string) => void;
}

export function aliasKeeper(ports: AliasKeeperPorts) {
  return async (event: CloudFormationCustomResourceEvent): Promise<void> => {
    const base = {
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    };
    const physicalBefore = event.RequestType === 'Create' ? undefined : event.PhysicalResourceId;
    let response: CustomResourceResponse;
    try {
      const outcome = await handle(event, ports);
      ports.log(outcome.note);
      response = { ...base, Status: 'SUCCESS', PhysicalResourceId: outcome.physicalId, Data: outcome.data };
    } catch (error) {
      const reason = describeError(error);
      ports.log(reason);
      response = fitReason({
        ...base,
        Status: 'FAILED',
        Reason: reason,
        // A failed create still needs an id; CloudFormation then deletes it, which does nothing.
        PhysicalResourceId: physicalBefore ?? `${event.LogicalResourceId}-not-created`,
      });
    }
    await ports.respond(event.ResponseURL, response);
  };
}

interface Outcome {
  readonly physicalId: string;
  readonly note: string;
  readonly data?: Record<string, string>;
}

async function handle(event: CloudFormationCustomResourceEvent, ports: AliasKeeperPorts): Promise<Outcome> {
  if (event.RequestType === 'Delete') {
    return {
      physicalId: event.PhysicalResourceId,
      note: 'delete: nothing to do, the function owns its aliases',
    };
  }
  const props = parseProperties(event.ResourceProperties);
  const physicalId = `${props.FunctionArn}:${props.AliasName}`;
  const named = `alias ${props.AliasName} of ${props.FunctionName}`;

  if (event.RequestType === 'Create') return keepOnCreate(ports, props, named, physicalId);

  const previous = parseProperties(event.OldResourceProperties);
  const current = { functionName: props.FunctionName, deployedVersion: props.DeployedVersion };
  const before = { functionName: previous.FunctionName, deployedVersion: previous.DeployedVersion };
  if (isRollbackUpdate(current, before)) {
    return {
      physicalId,
      note: `${named}: CloudFormation's roll back from version ${previous.DeployedVersion} to ${props.DeployedVersion}: nothing to do, the alias stays as it is`,
    };
  }
  try {
    const urlCheck = isFunctionReplacement(current, before) ? 'made-by-this-deploy' : 'required';
    return await keepOnUpdate(ports, props, previous, named, physicalId, urlCheck);
  } catch (error) {
    const repair = rollbackFailedRepair(event.StackId, event.LogicalResourceId);
    throw new Error(`${describeError(error)}. ${repair}`, { cause: error });
  }
}

async function keepOnCreate(
  ports: AliasKeeperPorts,
  props: KeptAliasProperties,
  named: string,
  physicalId: string,
): Promise<Outcome> {
  if (props.RecreateAt === 'deployed-version') {
    const created = await createAlias(ports, props, props.DeployedVersion, { keepExisting: true });
    return {
      physicalId,
      note: created
        ? `${named} created at version ${props.DeployedVersion}`
        : `${named} exists: kept as it is`,
    };
  }
  const alias = await getAlias(ports, props);
  if (alias !== null) return { physicalId, note: `${named} exists (version ${alias}): kept as it is` };
  const record = await readRecord(ports, props);
  if (isFirstDeploy(props.DeployedVersion, record.entries)) {
    // Its URL resource is created after it, in this same deploy.
    await createAlias(ports, props, props.DeployedVersion, { keepExisting: false });
    return { physicalId, note: `${named} created at version ${props.DeployedVersion}, the first deploy's` };
  }
  // A function that served before: its URL resource was made with the alias back then, so it is checked.
  const recreated = await recreateLive(ports, props, record, props.FunctionName);
  await requireFunctionUrl(ports, props, { version: recreated.version, recreated: true });
  return { physicalId, note: recreated.why, data: { RecreatedAt: recreated.version } };
}

/** Whether an update checks the alias's Function URL, or this deploy makes it after the keeper answers. */
type UrlCheck = 'required' | 'made-by-this-deploy';

async function keepOnUpdate(
  ports: AliasKeeperPorts,
  props: KeptAliasProperties,
  previous: KeptAliasProperties,
  named: string,
  physicalId: string,
  urlCheck: UrlCheck,
): Promise<Outcome> {
  const checkUrl = async (state: { version: string; recreated: boolean }): Promise<void> => {
    if (urlCheck === 'required') await requireFunctionUrl(ports, props, state);
  };
  const urlNote =
    urlCheck === 'required'
      ? ''
      : `; its Function URL is not read: CloudFormation is replacing the function (${previous.FunctionName} → ${props.FunctionName}), and the URL resource with it, after this answer`;
  const alias = await getAlias(ports, props);
  if (alias !== null) {
    await checkUrl({ version: alias, recreated: false });
    return { physicalId, note: `${named} exists (version ${alias}): left alone${urlNote}` };
  }
  if (props.RecreateAt === 'deployed-version') {
    await createAlias(ports, props, props.DeployedVersion, { keepExisting: false });
    await checkUrl({ version: props.DeployedVersion, recreated: true });
    return {
      physicalId,
      note: `${named} was missing: recreated at this deploy's version ${props.DeployedVersion}${urlNote}`,
      data: { RecreatedAt: props.DeployedVersion },
    };
  }
  // On a replaced function recreateLive refuses (its only version is this deploy's) before any URL is read.
  const recreated = await recreateLive(ports, props, await readRecord(ports, props), previous.FunctionName);
  await checkUrl({ version: recreated.version, recreated: true });
  return { physicalId, note: `${recreated.why}${urlNote}`, data: { RecreatedAt: recreated.version } };
}

interface ReleaseRecord {
  readonly table: string;
  readonly lock: ReleaseLock | null;
  readonly entries: readonly JournalEntry[];
}

async function readRecord(ports: AliasKeeperPorts, props: KeptAliasProperties): Promise<ReleaseRecord> {
  const table = props.ReleaseTable;
  if (table === undefined) {
    throw new Error(
      `alias ${props.AliasName} of ${props.FunctionName} is recreated at its recorded version, but the resource names no ReleaseTable`,
    );
  }
  const store = new DynamoDbReleaseRecordStore({
    client: ports.dynamodb,
    tableName: table,
    functionName: props.FunctionName,
  });
  const [lock, entries] = await Promise.all([store.currentLock(), store.journal()]);
  return { table, lock, entries };
}

/** Recreates a missing live where repairMissingLive says, or throws its refusal. */
async function recreateLive(
  ports: AliasKeeperPorts,
  props: KeptAliasProperties,
  record: ReleaseRecord,
  previousFunctionName: string,
): Promise<{ version: string; why: string }> {
  const recordedVersion = recordedLiveVersion(record.entries);
  const repair = repairMissingLive({
    functionName: props.FunctionName,
    previousFunctionName,
    aliasName: props.AliasName,
    deployedVersion: props.DeployedVersion,
    releaseTable: record.table,
    lock: record.lock,
    recordedVersion,
    recordedVersionExists: recordedVersion !== null && (await versionExists(ports, props, recordedVersion)),
  });
  if (repair.kind === 'refuse') throw new Error(repair.reason);
  await createAlias(ports, props, repair.version, { keepExisting: false });
  return { version: repair.version, why: repair.why };
}

function parseProperties(raw: unknown): KeptAliasProperties {
  const parsed = propertiesSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(
    `the Custom::KeptAlias properties are invalid (infra/lib/kept-alias.ts sets them): ${problems.join('; ')}`,
    {
      cause: parsed.error,
    },
  );
}

const NOT_FOUND = 'ResourceNotFoundException';

/** live's primary version, or null when the alias does not exist. */
async function getAlias(ports: AliasKeeperPorts, props: KeptAliasProperties): Promise<string | null> {
  try {
    const alias = await ports.lambda.send(
      new GetAliasCommand({ FunctionName: props.FunctionName, Name: props.AliasName }),
    );
    return alias.FunctionVersion ?? null;
  } catch (error) {
    if (errorCode(error) === NOT_FOUND) return null;
    throw new Error(`GetAlias ${props.AliasName} of ${props.FunctionName} failed: ${describeError(error)}`, {
      cause: error,
    });
  }
}

/** true when created; false when it existed and keepExisting. */
async function createAlias(
  ports: AliasKeeperPorts,
  props: KeptAliasProperties,
  version: string,
  { keepExisting }: { keepExisting: boolean },
): Promise<boolean> {
  try {
    await ports.lambda.send(
      new CreateAliasCommand({
        FunctionName: props.FunctionName,
        Name: props.AliasName,
        FunctionVersion: version,
        Description: props.Description,
      }),
    );
    return true;
  } catch (error) {
    if (keepExisting && errorCode(error) === 'ResourceConflictException') return false;
    throw new Error(
      `CreateAlias ${props.AliasName} of ${props.FunctionName} at version ${version} failed: ${describeError(error)}`,
      { cause: error },
    );
  }
}

async function versionExists(
  ports: AliasKeeperPorts,
  props: KeptAliasProperties,
  version: string,
): Promise<boolean> {
  try {
    await ports.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: props.FunctionName, Qualifier: version }),
    );
    return true;
  } catch (error) {
    if (errorCode(error) === NOT_FOUND) return false;
    throw new Error(
      `GetFunctionConfiguration of ${props.FunctionName} version ${version} failed: ${describeError(error)}`,
      { cause: error },
    );
  }
}

/** Throws the repair when the alias has no Function URL (refuseMissingUrl says why a deploy cannot bring it back). */
async function requireFunctionUrl(
  ports: AliasKeeperPorts,
  props: KeptAliasProperties,
  state: { version: string; recreated: boolean },
): Promise<void> {
  try {
    await ports.lambda.send(
      new GetFunctionUrlConfigCommand({ FunctionName: props.FunctionName, Qualifier: props.AliasName }),
    );
  } catch (error) {
    if (errorCode(error) === NOT_FOUND) {
      throw new Error(
        refuseMissingUrl({ functionName: props.FunctionName, aliasName: props.AliasName, ...state }),
        { cause: error },
      );
    }
    throw new Error(
      `GetFunctionUrlConfig ${props.AliasName} of ${props.FunctionName} failed: ${describeError(error)}`,
      { cause: error },
    );
  }
}

/** The response as CloudFormation reads it: a PUT of JSON with no content type (the URL is signed without one). */
async function putResponse(url: string, response: CustomResourceResponse): Promise<void> {
  const body = JSON.stringify(response);
  const answer = await fetch(url, { method: 'PUT', headers: { 'content-type': '' }, body });
  if (!answer.ok) {
    throw new Error(
      `CloudFormation's response URL answered ${answer.status} to ${response.Status} for ${response.LogicalResourceId}`,
    );
  }
}

export const handler = aliasKeeper({
  lambda: new LambdaClient({}),
  dynamodb: new DynamoDBClient({}),
  respond: putResponse,
  log: (line) => console.log(line),
});
