/**
 * The release's I/O on AWS: AwsPlatform with the release record on DynamoDB, the pre-traffic test and the drift
 * probe signed with SigV4 for the function's AWS_IAM URLs, the page alarms and the error-budget freeze read from
 * CloudWatch, real time. Wiring only: each part is tested where it is written.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { functionUrlRegion } from '../../loadtest/src/k6-contract.ts';
import { createSigV4Signer, type RequestSigner } from '../../loadtest/src/sigv4.ts';
import { type AwsClients, createAwsClients } from '../../platform/src/aws/aws-call.ts';
import { AwsPlatform } from '../../platform/src/aws/aws-platform.ts';
import { DynamoDbReleaseRecordStore } from '../../platform/src/aws/dynamodb-release-record.ts';
import { LIVE_ALIAS } from '../../platform/src/port.ts';
import { freezeFromSloReport } from './aws/freeze.ts';
import { firingPageAlarms } from './aws/page-alarms.ts';
import type { AwsSettings } from './cli/release-args.ts';
import { askVersion } from './drift-probe.ts';
import type { ReleaseIo, ReleaseProgressSink } from './ports.ts';
import { runPretraffic } from './pretraffic.ts';

export interface AwsReleaseIoOptions {
  readonly settings: AwsSettings;
  readonly progress: ReleaseProgressSink;
  /** The commit the candidate was built from, for the pre-traffic result. */
  readonly gitSha: string | null;
  /** Built from settings.region (the SDK's standard retries) unless given. */
  readonly clients?: AwsClients;
  /** Signs a request to a Function URL in `region`; SigV4 with the default credential chain unless given. */
  readonly signerFor?: (region: string) => RequestSigner;
}

export function awsReleaseIo(options: AwsReleaseIoOptions): ReleaseIo {
  const { settings } = options;
  const { pageAlarms } = settings;
  const clients =
    options.clients ?? createAwsClients(settings.region === undefined ? {} : { region: settings.region });
  const releaseRecord = new DynamoDbReleaseRecordStore({
    client: clients.dynamoDb,
    tableName: settings.recordTable,
    functionName: settings.functionName,
  });
  const platform = new AwsPlatform({
    functionName: settings.functionName,
    stage: settings.stage,
    releaseRecord,
    clients,
  });
  const signers = new Map<string, RequestSigner>();
  // Every Function URL is signed: the pretraffic alias's is AWS_IAM only, live's is AWS_IAM unless a stage made it
  // public, and a signature on a public URL is not checked. Any other URL (a proxy in front) is sent as it is.
  const signing = (url: string) => {
    const region = functionUrlRegion(url);
    if (region === null) return {};
    let sign = signers.get(region);
    if (sign === undefined) {
      sign = (options.signerFor ?? ((r: string) => createSigV4Signer({ region: r })))(region);
      signers.set(region, sign);
    }
    return { sign };
  };
  return {
    platform,
    pretraffic: (url, seconds, errorAlpha) =>
      runPretraffic(url, seconds, { ...signing(url), gitSha: options.gitSha, errorAlpha }),
    ask: (url, bodies) => askVersion(url, bodies, signing(url)),
    firingPageAlarms: async () =>
      pageAlarms === null || pageAlarms.length === 0
        ? null
        : firingPageAlarms(clients.cloudWatch, pageAlarms),
    pageAlarmsNotChecked:
      pageAlarms === null ? 'not checked: --no-page-alarms' : 'not checked: no page alarm was named',
    freeze: () =>
      freezeFromSloReport(
        clients.cloudWatch,
        { functionName: settings.functionName, stage: settings.stage, aliasName: LIVE_ALIAS },
        new Date(),
      ),
    now: () => new Date(),
    sleep: (ms) => sleep(ms),
    progress: options.progress,
  };
}
