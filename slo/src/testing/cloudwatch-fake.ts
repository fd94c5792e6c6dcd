/** A fake of CloudWatch's GetMetricData for tests (aws-sdk-client-mock): values per 5-minute period, paginated. */
import {
  type CloudWatchClientResolvedConfig,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-cloudwatch';
import type { AwsStub } from 'aws-sdk-client-mock';

export const PERIOD_MS = 5 * 60_000;

/** What CloudWatch holds for each query id, as a value per period start (undefined: no datapoint). */
export type Scenario = Record<string, (start: number, indexFromEnd: number) => number | undefined>;

/** Answers GetMetricData from a scenario, newest last, split over two pages like the real API does. */
export function answerGetMetricData(
  cloudWatch: AwsStub<ServiceInputTypes, ServiceOutputTypes, CloudWatchClientResolvedConfig>,
  scenario: Scenario,
): GetMetricDataCommandInput[] {
  const calls: GetMetricDataCommandInput[] = [];
  cloudWatch.on(GetMetricDataCommand).callsFake((request: GetMetricDataCommandInput) => {
    calls.push(request);
    const start = request.StartTime?.getTime() ?? 0;
    const end = request.EndTime?.getTime() ?? 0;
    const periods = Array.from({ length: (end - start) / PERIOD_MS }, (_, i) => start + i * PERIOD_MS);
    const half = Math.floor(periods.length / 2);
    const page = request.NextToken === undefined ? periods.slice(0, half) : periods.slice(half);
    return {
      NextToken: request.NextToken === undefined ? 'page-2' : undefined,
      MetricDataResults: (request.MetricDataQueries ?? []).map((query) => {
        // A whole-window statistic (the 28-day percentile) is one datapoint, on the first page.
        const wholeWindow = (query.MetricStat?.Period ?? 0) * 1000 > PERIOD_MS;
        const queried = wholeWindow ? (request.NextToken === undefined ? [start] : []) : page;
        const points = queried
          .map((periodStart) => [
            periodStart,
            scenario[query.Id ?? '']?.(periodStart, (end - periodStart) / PERIOD_MS - 1),
          ])
          .filter((point): point is [number, number] => point[1] !== undefined);
        return {
          Id: query.Id,
          StatusCode: 'Complete',
          Timestamps: points.map(([periodStart]) => new Date(periodStart)),
          Values: points.map(([, value]) => value),
        };
      }),
    };
  });
  return calls;
}
