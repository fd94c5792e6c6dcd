/**
 * The I/O edge of the report and the publisher: one paginated GetMetricData call for every series the SLIs
 * need, at 5-minute resolution (CloudWatch keeps 5-minute data for 63 days, enough for a 28-day window), plus
 * (for the report, not the publisher) each latency SLO's percentile over the whole window as one datapoint
 * (period = window).
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { sloWindowMinutes } from './burn-rate.ts';
import { latencyPercentile, type SloDefinition } from './definition.ts';
import { durationMinutes, SECONDS_PER_MINUTE } from './duration.ts';
import {
  availabilitySources,
  fastSuccessesSource,
  invocationsSource,
  type LambdaTarget,
  latencyPercentileSource,
  type MetricRef,
} from './metric-sources.ts';
import type { ReportInput, Series } from './report.ts';
import { minutesToMs } from './sli.ts';

/** Fetch resolution for every series; time slices must be this long so one value is one slice. */
export const REPORT_PERIOD_MINUTES = 5;

export interface FetchOptions {
  definition: SloDefinition;
  target: LambdaTarget;
  /** Any instant; the window ends at the last whole period before it. */
  end: Date;
  /**
   * Also read each latency SLO's percentile over the whole window (the report prints it). Default true; the
   * publisher, which never uses it, turns it off rather than pay for two 28-day percentile queries every run.
   */
  windowPercentiles?: boolean;
}

interface SeriesQuery {
  id: string;
  metric: MetricRef;
  periodSeconds: number;
}

/** One GetMetricData query; ids must start with a lower-case letter (CloudWatch's rule). */
export function metricDataQuery(id: string, metric: MetricRef, periodSeconds: number): MetricDataQuery {
  return {
    Id: id,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: metric.namespace,
        MetricName: metric.metricName,
        Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: periodSeconds,
      Stat: metric.statistic,
    },
  };
}

export async function fetchReportInput(
  client: CloudWatchClient,
  options: FetchOptions,
): Promise<ReportInput> {
  const { definition, target } = options;
  const periodMs = minutesToMs(REPORT_PERIOD_MINUTES);
  const periodSeconds = REPORT_PERIOD_MINUTES * SECONDS_PER_MINUTE;
  const windowEnd = Math.floor(options.end.getTime() / periodMs) * periodMs;
  const windowMinutes = sloWindowMinutes(definition);
  const windowStart = windowEnd - minutesToMs(windowMinutes);

  const perPeriod = (id: string, metric: MetricRef): SeriesQuery => ({ id, metric, periodSeconds });
  // The availability ids include 'successes' and 'clientErrors', which the latency SLOs and checks read too.
  const queries: SeriesQuery[] = [
    ...Object.entries(availabilitySources(definition.metrics, target)).map(([id, m]) => perPeriod(id, m)),
    perPeriod('invocations', invocationsSource(target)),
  ];
  const latencyIds = new Map<string, { series: string; window: string }>();
  definition.objectives.forEach((slo, index) => {
    const indicator = slo.indicator;
    if (indicator.kind !== 'latency') return;
    const ids = { series: `latency${index}`, window: `windowPercentile${index}` };
    latencyIds.set(slo.name, ids);
    const percentile = latencyPercentile(slo, indicator);
    if (options.windowPercentiles ?? true) {
      queries.push({
        id: ids.window,
        metric: latencyPercentileSource(definition.metrics, target, percentile),
        periodSeconds: windowMinutes * SECONDS_PER_MINUTE,
      });
    }
    if (slo.budgetingMethod === 'Occurrences') {
      queries.push(perPeriod(ids.series, fastSuccessesSource(definition.metrics, target, indicator)));
      return;
    }
    if (durationMinutes(slo.timeSliceWindow ?? '') !== REPORT_PERIOD_MINUTES) {
      throw new Error(
        `SLO '${slo.name}' has timeSliceWindow ${slo.timeSliceWindow}; the report reads ${REPORT_PERIOD_MINUTES}m ` +
          'periods, so use 5m or change REPORT_PERIOD_MINUTES in slo/src/cloudwatch-series.ts',
      );
    }
    queries.push(perPeriod(ids.series, latencyPercentileSource(definition.metrics, target, percentile)));
  });

  const series = await getMetricData(client, queries, windowStart, windowEnd);
  const seriesOf = (id: string): Series => series.get(id) ?? new Map();
  const latency: Record<string, Series> = {};
  const windowPercentileMs: Record<string, number | undefined> = {};
  for (const [name, ids] of latencyIds) {
    latency[name] = seriesOf(ids.series);
    windowPercentileMs[name] = [...seriesOf(ids.window).values()][0];
  }
  return {
    windowEnd,
    availability: {
      serverErrors: seriesOf('serverErrors'),
      errors: seriesOf('errors'),
      throttles: seriesOf('throttles'),
    },
    successes: seriesOf('successes'),
    clientErrors: seriesOf('clientErrors'),
    invocations: seriesOf('invocations'),
    latency,
    windowPercentileMs,
  };
}

async function getMetricData(
  client: CloudWatchClient,
  queries: readonly SeriesQuery[],
  start: number,
  end: number,
): Promise<Map<string, Map<number, number>>> {
  const metricDataQueries = queries.map(({ id, metric, periodSeconds }) =>
    metricDataQuery(id, metric, periodSeconds),
  );
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
