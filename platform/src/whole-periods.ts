/**
 * The period arithmetic both metric sources share: CloudWatch counts whole periods, so a range is read as the
 * periods it touches, on AWS (one GetMetricData period of whole minutes) and locally (the metric store's
 * buckets, one period each).
 */
import type { TimeRange } from './port.ts';

/** The range widened to whole periods (start down, end up). An empty range is an error naming it. */
export function wholePeriods(range: TimeRange, periodMs: number): TimeRange {
  if (!(range.start.getTime() < range.end.getTime())) {
    throw new RangeError(
      `range ${range.start.toISOString()}..${range.end.toISOString()} is empty: send start before end`,
    );
  }
  return {
    start: new Date(Math.floor(range.start.getTime() / periodMs) * periodMs),
    end: new Date(Math.ceil(range.end.getTime() / periodMs) * periodMs),
  };
}
