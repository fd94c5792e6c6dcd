/**
 * Per-request data from k6's CSV output (`k6 run --out csv=FILE`, one row per metric sample, tags as columns;
 * https://grafana.com/docs/k6/latest/results-output/real-time/csv/): every `http_req_duration` row, grouped by
 * the second of the run it ended in, gives the successful latencies the comparison resamples and the
 * per-second timeline the report charts, as the Node runner's recorder gives them. Columns are found by the
 * header's names, since k6 versions add tag columns; fields are read quote-aware (csv-records.ts), since k6
 * quotes a tag holding a comma.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { percentile } from '../../common/percentile.ts';
import { csvRecords } from './csv-records.ts';
import { isBadStatus, isSuccessStatus } from './k6-contract.ts';
import type { LatencySamples, TimelinePoint } from './result.ts';

/** k6 writes whole-second timestamps unless told otherwise; milliseconds place each sample in its second. */
export const K6_CSV_TIME_FORMAT = 'unix_milli';
const DURATION_METRIC = 'http_req_duration';

const round2 = (value: number) => Math.round(value * 100) / 100;

interface SecondTally {
  requests: number;
  errors: number;
  successMs: number[];
}

export interface K6RequestData {
  latencySamples: LatencySamples;
  timeline: TimelinePoint[];
}

interface DurationRow {
  time: number;
  value: number;
  status: number;
}

/** Every http_req_duration row, in the file's order. Throws on a file that is not k6 CSV output. */
function durationRows(lines: Iterable<string>, source: string): DurationRow[] {
  let columns: { metric: number; time: number; value: number; status: number } | null = null;
  const rows: DurationRow[] = [];
  for (const cells of csvRecords(lines, source)) {
    if (columns === null) {
      const at = (name: string) => cells.indexOf(name);
      columns = {
        metric: at('metric_name'),
        time: at('timestamp'),
        value: at('metric_value'),
        status: at('status'),
      };
      if (Object.values(columns).some((index) => index < 0)) {
        throw new Error(
          `${source} is not k6 CSV output: its header lacks metric_name, timestamp, metric_value or status`,
        );
      }
      continue;
    }
    if (cells[columns.metric] !== DURATION_METRIC) continue;
    const time = Number(cells[columns.time]);
    const value = Number(cells[columns.value]);
    // k6 leaves the status tag empty or 0 when no answer came.
    const status = Number(cells[columns.status] || 0);
    if (!Number.isFinite(time) || !Number.isFinite(value) || !Number.isInteger(status)) {
      throw new Error(
        `${source}: a ${DURATION_METRIC} row has a non-numeric timestamp, value or status: ${cells.join(',')}`,
      );
    }
    rows.push({ time, value, status });
  }
  if (columns === null) throw new Error(`${source} is empty: k6 wrote no CSV output`);
  return rows;
}

/** Pure: the CSV's lines in, samples and timeline out. Throws on a file that is not k6 CSV output. */
export function k6CsvRequestData(
  lines: Iterable<string>,
  source: string,
  badStatusFrom: number,
): K6RequestData {
  const rows = durationRows(lines, source);
  // k6 flushes many VUs' samples in batches, so rows come slightly out of order: second 0 starts at the
  // earliest sample, not the first row, or an earlier one would land in the wrong second.
  const start = rows.reduce((earliest, { time }) => Math.min(earliest, time), Number.POSITIVE_INFINITY);
  const seconds = new Map<number, SecondTally>();
  for (const { time, value, status } of rows) {
    const second = Math.floor((time - start) / 1_000);
    const tally = seconds.get(second) ?? { requests: 0, errors: 0, successMs: [] };
    tally.requests += 1;
    if (isBadStatus(status, badStatusFrom)) tally.errors += 1;
    if (isSuccessStatus(status)) tally.successMs.push(round2(value));
    seconds.set(second, tally);
  }
  const ordered = [...seconds.entries()].sort(([a], [b]) => a - b);
  return {
    latencySamples: ordered.flatMap(([second, { successMs }]) =>
      successMs.length === 0 ? [] : [{ second, ms: successMs }],
    ),
    timeline: ordered.map(([second, { requests, errors, successMs }]) => ({
      second,
      requests,
      errors,
      p50Ms: successMs.length === 0 ? null : percentile(successMs, 50),
      p95Ms: successMs.length === 0 ? null : percentile(successMs, 95),
    })),
  };
}

export async function readK6RequestData(path: string, badStatusFrom: number): Promise<K6RequestData> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    lines.push(line);
  }
  return k6CsvRequestData(lines, path, badStatusFrom);
}
