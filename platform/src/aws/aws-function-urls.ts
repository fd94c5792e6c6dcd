/**
 * The port's URLs on AWS. A Function URL names the function or an alias, never a version, so:
 * - liveUrl is GetFunctionUrlConfig with Qualifier `live`;
 * - versionUrl(version) points the `pretraffic` alias (infra/lib/pretraffic-alias.ts: an AWS_IAM URL, no
 *   provisioned concurrency, never in live's routing) at the version with UpdateAlias, creating the alias with
 *   CreateAlias when it is missing, then reads that alias's URL. There is one such alias, so the URL serves the
 *   version of the latest versionUrl call: a caller tests one version at a time. The stack creates both URLs; a URL that is not
 *   there is an error that says to deploy, never a URL made here that CloudFormation would then fail to create.
 */
import {
  CreateAliasCommand,
  GetAliasCommand,
  GetFunctionUrlConfigCommand,
  type LambdaClient,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { PRETRAFFIC_ALIAS_NAME } from '../../../infra/lib/names.ts';
import { LIVE_ALIAS } from '../port.ts';
import { awsCallError, callAws, errorCode } from './aws-call.ts';

const NOT_FOUND = 'ResourceNotFoundException';

/** Lambda's published versions are 1, 2, 3…; `$LATEST` is not a release candidate. */
export const PUBLISHED_VERSION = /^[1-9][0-9]*$/;

export class FunctionUrls {
  readonly #client: LambdaClient;
  readonly #functionName: string;

  constructor(client: LambdaClient, functionName: string) {
    this.#client = client;
    this.#functionName = functionName;
  }

  live(): Promise<string> {
    return this.#urlOf(LIVE_ALIAS);
  }

  async forVersion(version: string): Promise<string> {
    if (!PUBLISHED_VERSION.test(version)) {
      throw new RangeError(
        `versionUrl needs a published version of ${this.#functionName} (1, 2, 3…), not "${version}"`,
      );
    }
    await this.#pointPretraffic(version);
    return this.#urlOf(PRETRAFFIC_ALIAS_NAME);
  }

  async #pointPretraffic(version: string): Promise<void> {
    const resource = `${this.#functionName}:${PRETRAFFIC_ALIAS_NAME}`;
    try {
      await this.#client.send(
        new UpdateAliasCommand({
          FunctionName: this.#functionName,
          Name: PRETRAFFIC_ALIAS_NAME,
          FunctionVersion: version,
          // The candidate alone: an empty map clears any weights someone put on the alias.
          RoutingConfig: { AdditionalVersionWeights: {} },
        }),
      );
      return;
    } catch (error) {
      if (errorCode(error) !== NOT_FOUND) throw awsCallError('UpdateAlias', resource, error);
      // Lambda says "not found" for a missing alias and a missing version alike: the alias tells which.
      if (await this.#pretrafficExists()) {
        throw awsCallError(
          'UpdateAlias',
          resource,
          error,
          `version ${version} of ${this.#functionName} does not exist: name a published version`,
        );
      }
    }
    await callAws('CreateAlias', resource, () =>
      this.#client.send(
        new CreateAliasCommand({
          FunctionName: this.#functionName,
          Name: PRETRAFFIC_ALIAS_NAME,
          FunctionVersion: version,
          Description: 'The release candidate alone for pre-traffic tests; no production traffic, no PC.',
        }),
      ),
    );
  }

  async #pretrafficExists(): Promise<boolean> {
    try {
      await this.#client.send(
        new GetAliasCommand({ FunctionName: this.#functionName, Name: PRETRAFFIC_ALIAS_NAME }),
      );
      return true;
    } catch (error) {
      if (errorCode(error) === NOT_FOUND) return false;
      throw awsCallError('GetAlias', `${this.#functionName}:${PRETRAFFIC_ALIAS_NAME}`, error);
    }
  }

  async #urlOf(qualifier: string): Promise<string> {
    const resource = `${this.#functionName}:${qualifier}`;
    const config = await this.#client
      .send(new GetFunctionUrlConfigCommand({ FunctionName: this.#functionName, Qualifier: qualifier }))
      .catch((error: unknown) => {
        throw awsCallError(
          'GetFunctionUrlConfig',
          resource,
          error,
          errorCode(error) === NOT_FOUND
            ? `${resource} has no Function URL: deploy the stack (infra/), which creates it`
            : undefined,
        );
      });
    if (config.FunctionUrl === undefined) {
      throw new Error(`GetFunctionUrlConfig for ${resource} answered without a FunctionUrl`);
    }
    return config.FunctionUrl;
  }
}
