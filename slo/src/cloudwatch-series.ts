/**
 * The I/O edge of the report: one paginated GetMetricData call for every series the SLIs need, at the
 * latency slice (5 minutes; CloudWatch keeps 5-minute data for 63 days, enough for a 28-day window).
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { sloWindowMinutes } from './burn-rate.ts';
import type { SloDefinition } from './definition.ts';
import { durationMinutes, SECONDS_PER_MINUTE } from './duration.ts';
import { availabilitySources, type LambdaTarget, latencySource, type MetricRef } from './metric-sources.ts';
import type { AvailabilitySeries, ReportInput, Series } from './report.ts';
import { minutesToMs } from './sli.ts';

/** Fetch resolution for every series; latency slices must be this long so one value is one slice. */
export const REPORT_PERIOD_MINUTES = 5;

export interface FetchOptions {
  definition: SloDefinition;
  target: LambdaTarget;
  /** Any instant; the window ends at the last whole period before it. */
  end: Date;
}

export async function fetchReportInput(
  client: CloudWatchClient,
  options: FetchOptions,
): Promise<ReportInput> {
  const { definition, target } = options;
  const periodMs = minutesToMs(REPORT_PERIOD_MINUTES);
  const windowEnd = Math.floor(options.end.getTime() / periodMs) * periodMs;
  const windowStart = windowEnd - minutesToMs(sloWindowMinutes(definition));

  const availability = availabilitySources(definition.metrics, target);
  const queries: { id: string; metric: MetricRef }[] = Object.entries(availability).map(([id, metric]) => ({
    id,
    metric,
  }));
  const latencyIds = new Map<string, string>();
  definition.objectives.forEach((slo, index) => {
    if (slo.indicator.kind !== 'latency') return;
    if (durationMinutes(slo.timeSliceWindow ?? '') !== REPORT_PERIOD_MINUTES) {
      throw new Error(
        `SLO '${slo.name}' has timeSliceWindow ${slo.timeSliceWindow}; slo:report reads ${REPORT_PERIOD_MINUTES}m ` +
          'periods, so use 5m or change REPORT_PERIOD_MINUTES in slo/src/cloudwatch-series.ts',
      );
    }
    const id = `latency${index}`;
    latencyIds.set(slo.name, id);
    queries.push({ id, metric: latencySource(definition.metrics, slo.indicator) });
  });

  const series = await getMetricData(client, queries, windowStart, windowEnd);
  const seriesOf = (id: string): Series => series.get(id) ?? new Map();
  const availabilitySeries: AvailabilitySeries = {
    serverErrors: seriesOf('serverErrors'),
    errors: seriesOf('errors'),
    throttles: seriesOf('throttles'),
    invocations: seriesOf('invocations'),
  };
  const latency: Record<string, Series> = {};
  for (const [name, id] of latencyIds) latency[name] = seriesOf(id);
  return { windowEnd, availability: availabilitySeries, latency };
}

async function getMetricData(
  client: CloudWatchClient,
  queries: readonly { id: string; metric: MetricRef }[],
  start: number,
  end: number,
): Promise<Map<string, Map<number, number>>> {
  const metricDataQueries: MetricDataQuery[] = queries.map(({ id, metric }) => ({
    Id: id,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: metric.namespace,
        MetricName: metric.metricName,
        Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: REPORT_PERIOD_MINUTES * SECONDS_PER_MINUTE,
      Stat: metric.statistic,
    },
  }));
  const series = new Map<string, Map<number, number>>(queries.map(({ id }) => [id, new Map()]));
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetMetricDataCommand({
        MetricDataQueries: metricDataQueries,
        StartTime: new Date(start),
        EndTime: new Date(end),
        ScanBy: 'TimestampAscending',
        NextToken: nextToken,
      }),
    );
    for (const result of page.MetricDataResults ?? []) {
      if (result.StatusCode === 'InternalError' || result.StatusCode === 'Forbidden') {
        throw new Error(
          `GetMetricData returned ${result.StatusCode} for '${result.Id}': ${messages(result.Messages)}`,
        );
      }
      const values = series.get(result.Id ?? '');
      if (values === undefined) continue;
      (result.Timestamps ?? []).forEach((timestamp, index) => {
        const value = result.Values?.[index];
        if (value !== undefined && Number.isFinite(value)) values.set(timestamp.getTime(), value);
      });
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return series;
}

function messages(list: readonly { Code?: string; Value?: string }[] | undefined): string {
  return (
    (list ?? []).map((message) => `${message.Code ?? ''} ${message.Value ?? ''}`.trim()).join('; ') ||
    'no detail'
  );
}
