/**
 * Per-request latencies from k6's CSV output (`k6 run --out csv=FILE`, one row per metric sample, tags as
 * columns; https://grafana.com/docs/k6/latest/results-output/real-time/csv/): the successful responses'
 * `http_req_duration`, grouped by second of the run, so a k6 result can be bootstrapped like a Node one.
 * Columns are found by the header's names, since k6 versions add tag columns.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { LatencySamples } from './result.ts';

/** k6 writes whole-second timestamps unless told otherwise; milliseconds place each sample in its second. */
export const K6_CSV_TIME_FORMAT = 'unix_milli';
const SUCCESS_STATUS = '200';
const DURATION_METRIC = 'http_req_duration';

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Pure: the CSV's lines in, the samples out. Throws on a file that is not k6 CSV output. */
export function k6CsvLatencySamples(lines: Iterable<string>, source: string): LatencySamples {
  let columns: { metric: number; time: number; value: number; status: number } | null = null;
  const seconds = new Map<number, number[]>();
  let first: number | null = null;
  for (const line of lines) {
    if (line === '') continue;
    const cells = line.split(',');
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
    if (cells[columns.metric] !== DURATION_METRIC || cells[columns.status] !== SUCCESS_STATUS) continue;
    const time = Number(cells[columns.time]);
    const value = Number(cells[columns.value]);
    if (!Number.isFinite(time) || !Number.isFinite(value)) {
      throw new Error(`${source}: a ${DURATION_METRIC} row has a non-numeric timestamp or value: ${line}`);
    }
    first ??= time;
    const second = Math.max(0, Math.floor((time - first) / 1_000));
    const bucket = seconds.get(second) ?? [];
    bucket.push(round2(value));
    seconds.set(second, bucket);
  }
  if (columns === null) throw new Error(`${source} is empty: k6 wrote no CSV output`);
  return [...seconds.entries()].sort(([a], [b]) => a - b).map(([second, ms]) => ({ second, ms }));
}

export async function readK6LatencySamples(path: string): Promise<LatencySamples> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    lines.push(line);
  }
  return k6CsvLatencySamples(lines, path);
}
