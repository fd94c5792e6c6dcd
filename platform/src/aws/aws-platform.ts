/**
 * AwsPlatform: the Platform port (port.ts) on AWS with SDK v3, one port call to one SDK call where the API
 * allows (scalingTarget reads two: the target and its policy live in two APIs):
 * - readAlias/updateAlias: GetAlias/UpdateAlias on `live` with RevisionId. A refused revision
 *   (PreconditionFailedException) is the port's RevisionConflictError, filled with the revision read again;
 *   so is a ResourceConflictException once that read shows someone moved the alias. A ResourceConflictException
 *   with the alias unmoved (another operation still in progress) is an AwsCallError saying to send it again.
 * - provisioned concurrency: Put/Get/DeleteProvisionedConcurrencyConfig with Qualifier. A missing configuration
 *   reads as null and deletes as nothing. IN_PROGRESS and FAILED come back as read: waiting is the release's job.
 * - a PC rule Lambda enforces, refusing UpdateAlias or a PC put or delete, is the port's
 *   ProvisionedConcurrencyConflictError (aws-pc-conflict.ts): the release decides what to undo.
 * - versionExists: GetFunctionConfiguration with the version as Qualifier, a read (so a refused release or
 *   rollback changes nothing, not even `pretraffic`); ResourceNotFoundException is "no such version".
 * - liveUrl/versionUrl: aws-function-urls.ts (GetFunctionUrlConfig; the `pretraffic` alias for a version).
 * - scaling: aws-scaling.ts (the alias's scalable target and its target-tracking policy).
 * - versionMetrics: aws-version-metrics.ts.
 * The release record is a ReleaseRecordStore passed in (on AWS, dynamodb-release-record.ts).
 */
import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  type AliasConfiguration,
  DeleteProvisionedConcurrencyConfigCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  GetProvisionedConcurrencyConfigCommand,
  type GetProvisionedConcurrencyConfigCommandOutput,
  type LambdaClient,
  PutProvisionedConcurrencyConfigCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { describeError } from '../../../common/errors.ts';
import { SLO_DEFINITION, type SloDefinition } from '../../../slo/src/definition.ts';
import {
  type AliasState,
  type AliasUpdate,
  LIVE_ALIAS,
  type MetricsVia,
  type Platform,
  type ProvisionedConcurrency,
  type ProvisionedConcurrencyStatus,
  type ReleaseRecordStore,
  RevisionConflictError,
  type ScalingTarget,
  type TimeRange,
  type VersionMetrics,
} from '../port.ts';
import { awsCallError, callAws, errorCode } from './aws-call.ts';
import { FunctionUrls, PUBLISHED_VERSION } from './aws-function-urls.ts';
import { callAwsPcRuled, provisionedConcurrencyConflict } from './aws-pc-conflict.ts';
import { LiveAliasScaling } from './aws-scaling.ts';
import { readVersionMetrics } from './aws-version-metrics.ts';

const PC_NOT_FOUND = 'ProvisionedConcurrencyConfigNotFoundException';
const PC_STATUSES: readonly string[] = [
  'IN_PROGRESS',
  'READY',
  'FAILED',
] satisfies ProvisionedConcurrencyStatus[];

export interface AwsPlatformOptions {
  readonly functionName: string;
  /** The app's Stage dimension value (its metrics are read by it). */
  readonly stage: string;
  readonly releaseRecord: ReleaseRecordStore;
  readonly clients: {
    readonly lambda: LambdaClient;
    readonly autoScaling: ApplicationAutoScalingClient;
    readonly cloudWatch: CloudWatchClient;
  };
  /** Whose metric names and percentiles versionMetrics reads; the service's own by default. */
  readonly definition?: SloDefinition;
}

export class AwsPlatform implements Platform {
  readonly functionName: string;
  readonly releaseRecord: ReleaseRecordStore;
  readonly #options: AwsPlatformOptions;
  readonly #scaling: LiveAliasScaling;
  readonly #urls: FunctionUrls;

  constructor(options: AwsPlatformOptions) {
    this.functionName = options.functionName;
    this.releaseRecord = options.releaseRecord;
    this.#options = options;
    this.#scaling = new LiveAliasScaling(options.clients.autoScaling, options.functionName);
    this.#urls = new FunctionUrls(options.clients.lambda, options.functionName);
  }

  async readAlias(): Promise<AliasState> {
    const alias = await callAws('GetAlias', this.#resource(LIVE_ALIAS), () =>
      this.#options.clients.lambda.send(
        new GetAliasCommand({ FunctionName: this.functionName, Name: LIVE_ALIAS }),
      ),
    );
    return this.#aliasState(alias, 'GetAlias');
  }

  async updateAlias(update: AliasUpdate): Promise<AliasState> {
    const call = 'UpdateAlias';
    let alias: AliasConfiguration;
    try {
      alias = await this.#options.clients.lambda.send(
        new UpdateAliasCommand({
          FunctionName: this.functionName,
          Name: LIVE_ALIAS,
          FunctionVersion: update.version,
          // An empty map clears the weights (promote, roll back); leaving it out would keep the old ones.
          RoutingConfig: { AdditionalVersionWeights: { ...update.weights } },
          RevisionId: update.expectedRevisionId,
        }),
      );
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'PreconditionFailedException' && code !== 'ResourceConflictException')
        throw (
          provisionedConcurrencyConflict(call, LIVE_ALIAS, error) ??
          awsCallError(call, this.#resource(LIVE_ALIAS), error)
        );
      const now = await this.readAlias().catch((readError: unknown) => {
        throw awsCallError(
          call,
          this.#resource(LIVE_ALIAS),
          error,
          `and reading it again failed too (${describeError(readError)})`,
        );
      });
      if (code === 'ResourceConflictException' && now.revisionId === update.expectedRevisionId) {
        throw awsCallError(
          call,
          this.#resource(LIVE_ALIAS),
          error,
          `the alias is still at revision ${now.revisionId} (another operation on it was in progress): send the ` +
            'same update again',
        );
      }
      throw new RevisionConflictError(LIVE_ALIAS, update.expectedRevisionId, now.revisionId, {
        cause: error,
      });
    }
    return this.#aliasState(alias, call);
  }

  async versionExists(version: string): Promise<boolean> {
    // GetFunctionConfiguration answers an alias or $LATEST as well, neither of which is a published version.
    if (!PUBLISHED_VERSION.test(version)) return false;
    try {
      await this.#options.clients.lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: this.functionName, Qualifier: version }),
      );
      return true;
    } catch (error) {
      // Lambda answers a missing function the same way; a release reads live (GetAlias) first, which proves it.
      if (errorCode(error) === 'ResourceNotFoundException') return false;
      throw awsCallError('GetFunctionConfiguration', this.#resource(version), error);
    }
  }

  liveUrl(): Promise<string> {
    return this.#urls.live();
  }

  versionUrl(version: string): Promise<string> {
    return this.#urls.forVersion(version);
  }

  async putProvisionedConcurrency(qualifier: string, executions: number): Promise<ProvisionedConcurrency> {
    if (!(Number.isInteger(executions) && executions >= 1)) {
      throw new RangeError(
        `provisioned concurrency for ${this.#resource(qualifier)} is ${executions}: send a whole number >= 1 ` +
          '(removeProvisionedConcurrency takes it away)',
      );
    }
    const call = 'PutProvisionedConcurrencyConfig';
    const config = await callAwsPcRuled(call, this.functionName, qualifier, () =>
      this.#options.clients.lambda.send(
        new PutProvisionedConcurrencyConfigCommand({
          FunctionName: this.functionName,
          Qualifier: qualifier,
          ProvisionedConcurrentExecutions: executions,
        }),
      ),
    );
    return this.#provisioned(qualifier, config, call);
  }

  async provisionedConcurrency(qualifier: string): Promise<ProvisionedConcurrency | null> {
    const config = await this.#getProvisioned(qualifier);
    return config === null ? null : this.#provisioned(qualifier, config, 'GetProvisionedConcurrencyConfig');
  }

  async removeProvisionedConcurrency(qualifier: string): Promise<void> {
    const call = 'DeleteProvisionedConcurrencyConfig';
    try {
      await this.#options.clients.lambda.send(
        new DeleteProvisionedConcurrencyConfigCommand({
          FunctionName: this.functionName,
          Qualifier: qualifier,
        }),
      );
    } catch (error) {
      const code = errorCode(error);
      if (code === PC_NOT_FOUND) return;
      const conflict = provisionedConcurrencyConflict(call, qualifier, error);
      if (conflict) throw conflict;
      // Lambda documents only ResourceNotFoundException here, for a missing function or qualifier alike: a
      // qualifier that exists with no configuration is already what the caller wants (a second abort).
      if (
        code === 'ResourceNotFoundException' &&
        (await this.#getProvisioned(qualifier).catch(() => undefined)) === null
      )
        return;
      throw awsCallError(call, this.#resource(qualifier), error);
    }
  }

  scalingTarget(): Promise<ScalingTarget | null> {
    return this.#scaling.read();
  }

  suspendScaling(): Promise<ScalingTarget> {
    return this.#scaling.suspend();
  }

  resumeScaling(previous: ScalingTarget): Promise<void> {
    return this.#scaling.resume(previous);
  }

  versionMetrics(version: string, range: TimeRange, via: MetricsVia): Promise<VersionMetrics> {
    return readVersionMetrics(this.#options.clients.cloudWatch, {
      definition: this.#options.definition ?? SLO_DEFINITION,
      functionName: this.functionName,
      stage: this.#options.stage,
      version,
      range,
      via,
    });
  }

  #resource(qualifier: string): string {
    return `${this.functionName}:${qualifier}`;
  }

  #aliasState(alias: AliasConfiguration, call: string): AliasState {
    if (alias.FunctionVersion === undefined || alias.RevisionId === undefined) {
      throw new Error(
        `${call} for ${this.#resource(LIVE_ALIAS)} answered without FunctionVersion or RevisionId: ` +
          `${JSON.stringify(alias)}`,
      );
    }
    return {
      name: alias.Name ?? LIVE_ALIAS,
      version: alias.FunctionVersion,
      weights: { ...(alias.RoutingConfig?.AdditionalVersionWeights ?? {}) },
      revisionId: alias.RevisionId,
    };
  }

  async #getProvisioned(qualifier: string): Promise<GetProvisionedConcurrencyConfigCommandOutput | null> {
    try {
      return await this.#options.clients.lambda.send(
        new GetProvisionedConcurrencyConfigCommand({ FunctionName: this.functionName, Qualifier: qualifier }),
      );
    } catch (error) {
      if (errorCode(error) === PC_NOT_FOUND) return null;
      throw awsCallError('GetProvisionedConcurrencyConfig', this.#resource(qualifier), error);
    }
  }

  #provisioned(
    qualifier: string,
    config: GetProvisionedConcurrencyConfigCommandOutput,
    call: string,
  ): ProvisionedConcurrency {
    const status = config.Status;
    if (status === undefined || !PC_STATUSES.includes(status)) {
      throw new Error(
        `${call} for ${this.#resource(qualifier)} answered status ${status}, not one of ${PC_STATUSES.join(', ')}: ` +
          'the port does not know it; update aws-platform.ts',
      );
    }
    return {
      qualifier,
      requested: config.RequestedProvisionedConcurrentExecutions ?? 0,
      // Absent until Lambda has allocated any (a fresh IN_PROGRESS configuration).
      allocated: config.AllocatedProvisionedConcurrentExecutions ?? 0,
      available: config.AvailableProvisionedConcurrentExecutions ?? 0,
      status: status as ProvisionedConcurrencyStatus,
      ...(config.StatusReason === undefined ? {} : { statusReason: config.StatusReason }),
    };
  }
}
