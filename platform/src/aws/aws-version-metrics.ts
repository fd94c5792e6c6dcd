/**
 * versionMetrics on AWS: one GetMetricData request (paged by NextToken) for the series
 * version-metric-sources.ts names, at one period covering the whole range, so every count is a Sum or
 * SampleCount over the range and every percentile is CloudWatch's own over all of the range's values
 * (percentiles of sub-periods cannot be merged).
 *
 * The period: the range widened to whole minutes (start down, end up), because Lambda publishes its metrics
 * at one-minute resolution and CloudWatch rounds a recent StartTime down to the minute anyway (GetMetricData,
 * StartTime); GetMetricData takes any multiple of 60 s as Period. The result's `range` is the widened one, the
 * minutes CloudWatch actually counted.
 *
 * Missing data: a series with no datapoint (no traffic, or Lambda's metrics not in yet: they arrive a minute
 * or two late) counts 0 with a null percentile, as on the local platform; the release's minimum-request rule
 * keeps it baking until enough has arrived. A series that CloudWatch marks PartialData on the last page, or
 * InternalError/Forbidden on any page, is an IncompleteMetricsError: a release must not judge a candidate on
 * figures CloudWatch says are incomplete, and can read the same range again.
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { metricDataQuery } from '../../../slo/src/cloudwatch-series.ts';
import type { SloDefinition } from '../../../slo/src/definition.ts';
import type { MetricsVia, TimeRange, VersionMetrics } from '../port.ts';
import {
  VERSION_METRIC_COUNT_IDS,
  VERSION_METRIC_PERCENTILE_IDS,
  type VersionMetricCountId,
  type VersionMetricPercentileId,
  versionMetricSources,
  versionMetricsOf,
} from '../version-metric-sources.ts';
import { wholePeriods } from '../whole-periods.ts';
import { callAws } from './aws-call.ts';

const MINUTE_MS = 60_000;

/** CloudWatch said some of a version's figures are missing or failed: read the range again later. */
export class IncompleteMetricsError extends Error {
  constructor(
    readonly version: string,
    readonly range: TimeRange,
    /** Id, status and CloudWatch's messages per incomplete series. */
    readonly incomplete: readonly { id: string; status: string; messages: string }[],
  ) {
    super(
      `GetMetricData for version ${version} over ${range.start.toISOString()}..${range.end.toISOString()} is ` +
        `incomplete: ${incomplete.map((s) => `${s.id} ${s.status} (${s.messages})`).join('; ')}; ` +
        'read the same range again in a minute before judging the version on it',
    );
    this.name = 'IncompleteMetricsError';
  }
}

export async function readVersionMetrics(
  client: CloudWatchClient,
  options: {
    readonly definition: SloDefinition;
    readonly functionName: string;
    readonly stage: string;
    readonly version: string;
    readonly range: TimeRange;
    readonly via: MetricsVia;
  },
): Promise<VersionMetrics> {
  const { definition, functionName, stage, version, via } = options;
  const range = wholePeriods(options.range, MINUTE_MS);
  const periodSeconds = (range.end.getTime() - range.start.getTime()) / 1000;
  const sources = versionMetricSources(definition, { functionName, stage, version, via });
  // Only the ids VersionMetrics reads: the rest of versionMetricSources (TC/PR) is not requested, nor paid for.
  const ids = [...VERSION_METRIC_COUNT_IDS, ...VERSION_METRIC_PERCENTILE_IDS];
  const queries = ids.map((id) => {
    const source = sources[id];
    if (!source) {
      throw new Error(
        `version-metric-sources.ts names no series "${id}" for this SLO definition: VersionMetrics needs ` +
          `${ids.join(', ')}; update aws-version-metrics.ts with the port`,
      );
    }
    return metricDataQuery(id, source, periodSeconds);
  });

  const values = new Map<string, number[]>(ids.map((id) => [id, []]));
  let last: MetricDataResult[] = [];
  const failed: { id: string; status: string; messages: string }[] = [];
  let nextToken: string | undefined;
  do {
    const page = await callAws('GetMetricData', `${functionName}:${version} (via ${via})`, () =>
      client.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: range.start,
          EndTime: range.end,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
      ),
    );
    last = page.MetricDataResults ?? [];
    for (const result of last) {
      if (result.StatusCode === 'InternalError' || result.StatusCode === 'Forbidden') {
        failed.push({ id: result.Id ?? '?', status: result.StatusCode, messages: messagesOf(result) });
      }
      values.get(result.Id ?? '')?.push(...(result.Values ?? []).filter(Number.isFinite));
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  // PartialData on a page with a NextToken only means "more on the next page"; on the last page it is a gap.
  for (const result of last) {
    if (result.StatusCode === 'PartialData')
      failed.push({ id: result.Id ?? '?', status: 'PartialData', messages: messagesOf(result) });
  }
  if (failed.length > 0) throw new IncompleteMetricsError(version, range, failed);

  const count = (id: VersionMetricCountId) => (values.get(id) ?? []).reduce((sum, value) => sum + value, 0);
  const percentile = (id: VersionMetricPercentileId): number | null => {
    const points = values.get(id) ?? [];
    if (points.length > 1) {
      throw new Error(
        `GetMetricData returned ${points.length} datapoints for ${id} at one ${periodSeconds} s period over ` +
          `${range.start.toISOString()}..${range.end.toISOString()}: percentiles of parts cannot be merged`,
      );
    }
    return points[0] ?? null;
  };
  return versionMetricsOf({ version, via, range }, { count, percentile });
}

function messagesOf(result: MetricDataResult): string {
  const text = (result.Messages ?? []).map((m) => `${m.Code ?? ''} ${m.Value ?? ''}`.trim()).join(', ');
  return text || 'no message';
}
