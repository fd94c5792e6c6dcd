/**
 * The SLO publisher, a scheduled Lambda function (infra runs it every BURN_RATE_PUBLISH_INTERVAL_MINUTES): reads
 * the 28-day SLI series with GetMetricData, computes the exact long-window burn rates and the budget left
 * (slo-metrics.ts) and writes them with PutMetricData. A thin shell: every number comes from pure code.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { fetchReportInput } from '../cloudwatch-series.ts';
import { SLO_DEFINITION, type SloDefinition } from '../definition.ts';
import { minutesToMs } from '../sli.ts';
import { validateDefinition } from '../validate.ts';
import { type PublisherConfig, readPublisherConfig } from './config.ts';
import { sloMetrics } from './slo-metrics.ts';

/**
 * The window ends this long before the run, at the last whole 5-minute period: EMF and Lambda's own metrics
 * take a minute or two to land, and a half-filled last period would make the burn rate look better than it is.
 */
export const SETTLE_MINUTES = 3;

export interface PublisherLog {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
}

export interface PublishSummary {
  published: number;
  skipped: { sloName: string; reason: string }[];
}

export interface PublisherDeps {
  config: PublisherConfig;
  client: CloudWatchClient;
  log: PublisherLog;
  now: () => Date;
}

export function createPublisher(deps: PublisherDeps): () => Promise<PublishSummary> {
  const { config, client, log } = deps;
  const base = validateDefinition(SLO_DEFINITION);
  const definition: SloDefinition = { ...base, metrics: { ...base.metrics, namespace: config.namespace } };
  const target = { functionName: config.functionName, aliasName: config.aliasName, stage: config.stage };
  return async () => {
    const end = new Date(deps.now().getTime() - minutesToMs(SETTLE_MINUTES));
    const options = { definition, target, end, windowPercentiles: false };
    const input = await fetchReportInput(client, options).catch((error: unknown) => {
      throw new Error(
        `Reading the SLO series of ${target.functionName}:${target.aliasName} (Stage=${target.stage}) failed`,
        { cause: error },
      );
    });
    const { data, skipped } = sloMetrics(definition, input, config.stage);
    for (const skip of skipped) log.warn('SLO metric not published', { ...skip });
    if (data.length > 0) {
      const timestamp = deps.now();
      await client
        .send(
          new PutMetricDataCommand({
            Namespace: config.namespace,
            MetricData: data.map((datum) => ({
              MetricName: datum.metricName,
              Dimensions: Object.entries(datum.dimensions).map(([Name, Value]) => ({ Name, Value })),
              Value: datum.value,
              Unit: 'None',
              Timestamp: timestamp,
            })),
          }),
        )
        .catch((error: unknown) => {
          throw new Error(`PutMetricData of ${data.length} SLO metrics to ${config.namespace} failed`, {
            cause: error,
          });
        });
    }
    log.info('SLO metrics published', {
      published: data.length,
      windowEnd: new Date(input.windowEnd).toISOString(),
    });
    return { published: data.length, skipped };
  };
}

let publish: (() => Promise<PublishSummary>) | undefined;

/** The Lambda entry point: configuration and clients are made on the first invocation and kept. */
export async function handler(): Promise<PublishSummary> {
  publish ??= createPublisher({
    config: readPublisherConfig(process.env),
    client: new CloudWatchClient({}),
    log: new Logger({ serviceName: 'slo-publisher' }),
    now: () => new Date(),
  });
  return publish();
}
