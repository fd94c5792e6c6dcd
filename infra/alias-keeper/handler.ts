/**
 * The Lambda behind the `Custom::KeptAlias` resources (infra/lib/kept-alias.ts): CloudFormation sends it the
 * resource's events and it answers on the event's pre-signed ResponseURL.
 * - Create: CreateAlias at this deploy's version (the stack's first deploy: no traffic to protect yet); an alias
 *   already there is kept as it is (a release made pretraffic first, or live's resource was just replaced).
 * - Update (every deploy): GetAlias; an alias that exists is left alone. A missing one is recreated as
 *   alias-decision.ts decides (live at the release record's version, pretraffic at this deploy's) or the update
 *   fails with the repair, and CloudFormation rolls the deploy back.
 * - Delete: nothing; deleting the function deletes its aliases, and a replaced resource must not take the alias
 *   with it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateAliasCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { z } from 'zod';
import { describeError } from '../../common/errors.ts';
import { errorCode } from '../../platform/src/aws/aws-call.ts';
import { DynamoDbReleaseRecordStore } from '../../platform/src/aws/dynamodb-release-record.ts';
import { type RecreateAt, recordedLiveVersion, repairMissingLive } from './alias-decision.ts';

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

export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Record<string, string>;
}

export interface AliasKeeperPorts {
  readonly lambda: LambdaClient;
  readonly dynamodb: DynamoDBClient;
  /** PUTs the response to CloudFormation's pre-signed URL. */
  readonly respond: (url: string, response: CustomResourceResponse) => Promise<void>;
  readonly log: (line: string) => void;
}

/** CloudFormation shows at most 4 KiB of a reason; the repair must fit in it. */
const MAX_REASON_CHARS = 3_900;

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
      response = {
        ...base,
        Status: 'FAILED',
        Reason: reason.slice(0, MAX_REASON_CHARS),
        // A failed create still needs an id; CloudFormation then deletes it, which does nothing.
        PhysicalResourceId: physicalBefore ?? `${event.LogicalResourceId}-not-created`,
      };
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

  if (event.RequestType === 'Create') {
    const created = await createAlias(ports, props, props.DeployedVersion, { keepExisting: true });
    return {
      physicalId,
      note: created
        ? `${named} created at version ${props.DeployedVersion}`
        : `${named} exists: kept as it is`,
    };
  }

  const alias = await getAlias(ports, props);
  if (alias !== null) {
    return { physicalId, note: `${named} exists (version ${alias}): left alone` };
  }
  if (props.RecreateAt === 'deployed-version') {
    await createAlias(ports, props, props.DeployedVersion, { keepExisting: false });
    return {
      physicalId,
      note: `${named} was missing: recreated at this deploy's version ${props.DeployedVersion}`,
      data: { RecreatedAt: props.DeployedVersion },
    };
  }

  const releaseTable = props.ReleaseTable;
  if (releaseTable === undefined) {
    throw new Error(`${named} is recreated at its recorded version, but the resource names no ReleaseTable`);
  }
  const store = new DynamoDbReleaseRecordStore({
    client: ports.dynamodb,
    tableName: releaseTable,
    functionName: props.FunctionName,
  });
  const [lock, entries] = await Promise.all([store.currentLock(), store.journal()]);
  const recordedVersion = recordedLiveVersion(entries);
  const repair = repairMissingLive({
    functionName: props.FunctionName,
    previousFunctionName: parseProperties(event.OldResourceProperties).FunctionName,
    aliasName: props.AliasName,
    deployedVersion: props.DeployedVersion,
    releaseTable,
    lock,
    recordedVersion,
    recordedVersionExists: recordedVersion !== null && (await versionExists(ports, props, recordedVersion)),
  });
  if (repair.kind === 'refuse') throw new Error(repair.reason);
  await createAlias(ports, props, repair.version, { keepExisting: false });
  return { physicalId, note: repair.why, data: { RecreatedAt: repair.version } };
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
