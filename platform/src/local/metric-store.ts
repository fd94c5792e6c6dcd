/**
 * A CloudWatch-like metric store for the local platform: values kept per metric (namespace, name and its exact
 * dimension set) in buckets of one period, read back with CloudWatch's statistics. Faithful where a release reads
 * metrics: a query names the dimensions EXACTLY (a subset or superset matches nothing, as in CloudWatch), a range
 * [start, end) selects buckets by their start time, and percentiles rank every raw value (nearest rank, as
 * common/percentile.ts defines; CloudWatch's are estimates of the same). Also reads Embedded Metric Format log
 * lines, so the app's own metrics reach the store the way they reach CloudWatch from Lambda's log.
 *
 * The period is CloudWatch's minute for Lambda's metrics by default (the daemon's metricPeriodMs); a rehearsal
 * that compresses time shortens it, so a bake of seconds is judged on whole periods as one of minutes is on AWS.
 */
import { percentile } from '../../../common/percentile.ts';

/**
 * How often expired buckets are swept: a sweep visits every bucket kept, so with one-second periods sweeping on
 * every new bucket would cost more than the puts. Reads never see an expired bucket whenever the sweep ran.
 */
const EXPIRY_SWEEP_MS = 60_000;

export interface MetricPut {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly value: number;
  readonly unit?: string;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
}

export type Statistic = 'Sum' | 'SampleCount' | 'Average' | 'Minimum' | 'Maximum' | `p${number}`;

export interface MetricQuery {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Buckets whose start time is in [start, end) count (ms since the epoch, or a Date). */
  readonly start: number | Date;
  readonly end: number | Date;
  readonly statistic: Statistic;
}

/** One metric's identity: CloudWatch matches the namespace, the name and every dimension, in any order. */
function seriesKey(namespace: string, name: string, dimensions: Readonly<Record<string, string>>): string {
  const sorted = Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([namespace, name, sorted]);
}

/** The same metric as written (dimensions in the writer's order): the cheap lookup key of seriesKey's memo. */
const writtenKey = (namespace: string, name: string, dimensions: Readonly<Record<string, string>>) =>
  JSON.stringify([namespace, name, dimensions]);

const millis = (time: number | Date) => (time instanceof Date ? time.getTime() : time);

function statisticOf(values: readonly number[], statistic: Statistic): number {
  switch (statistic) {
    case 'Sum':
      return values.reduce((sum, value) => sum + value, 0);
    case 'SampleCount':
      return values.length;
    case 'Average':
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    case 'Minimum':
      return values.reduce((min, value) => Math.min(min, value), Number.POSITIVE_INFINITY);
    case 'Maximum':
      return values.reduce((max, value) => Math.max(max, value), Number.NEGATIVE_INFINITY);
    default: {
      const p = /^p(\d+(?:\.\d+)?)$/.exec(statistic);
      if (!p)
        throw new RangeError(
          `statistic ${statistic} is unknown: use Sum, SampleCount, Average, Minimum, Maximum or pNN`,
        );
      return percentile(values, Number(p[1]));
    }
  }
}

export class MetricStore {
  /** One bucket's length: the period every statistic is kept at. */
  readonly periodMs: number;
  readonly #retentionMs: number;
  /** series key → bucket start → the bucket's raw values. */
  readonly #series = new Map<string, Map<number, number[]>>();
  /**
   * Key as written → series key. Every request puts the same few metrics, each written with its dimensions in
   * the same order, and sorting them for the series key was the store's main cost per put (a profile of the
   * daemon at 1,000 req/s). Holds one entry per series and writing order; emptied with the expired series.
   */
  readonly #seriesKeys = new Map<string, string>();
  #newestBucket = Number.NEGATIVE_INFINITY;
  #nextSweep = Number.NEGATIVE_INFINITY;

  constructor(options: { readonly retentionMs: number; readonly periodMs: number }) {
    const { retentionMs, periodMs } = options;
    if (!(Number.isSafeInteger(periodMs) && periodMs > 0)) {
      throw new RangeError(`periodMs ${periodMs} is not a whole number of milliseconds above 0: give one`);
    }
    if (!(retentionMs >= periodMs)) {
      throw new RangeError(
        `retentionMs ${retentionMs} is below one ${periodMs} ms bucket: keep at least one`,
      );
    }
    this.periodMs = periodMs;
    this.#retentionMs = retentionMs;
  }

  put(metric: MetricPut): void {
    if (!Number.isFinite(metric.value))
      throw new RangeError(`metric ${metric.name}: value ${metric.value} is not finite`);
    if (!Number.isFinite(metric.timestamp)) {
      throw new RangeError(`metric ${metric.name}: timestamp ${metric.timestamp} is not a time in ms`);
    }
    const bucket = Math.floor(metric.timestamp / this.periodMs) * this.periodMs;
    if (bucket > this.#newestBucket) this.#newestBucket = bucket;
    if (bucket >= this.#nextSweep) {
      this.#nextSweep = bucket + EXPIRY_SWEEP_MS;
      this.#expire();
    }
    if (bucket < this.#newestBucket - this.#retentionMs) return; // already past retention: CloudWatch drops it too
    const key = this.#seriesKeyOf(metric);
    let buckets = this.#series.get(key);
    if (!buckets) {
      buckets = new Map();
      this.#series.set(key, buckets);
    }
    let values = buckets.get(bucket);
    if (!values) {
      values = [];
      buckets.set(bucket, values);
    }
    values.push(metric.value);
  }

  /** Every raw value of one metric in the range, for a reader that merges several metrics (oldest bucket first). */
  samples(query: Omit<MetricQuery, 'statistic'>): number[] {
    const buckets = this.#series.get(seriesKey(query.namespace, query.name, query.dimensions));
    if (!buckets) return [];
    // Buckets past retention that the last sweep left are not read either.
    const start = Math.max(millis(query.start), this.#newestBucket - this.#retentionMs);
    const end = millis(query.end);
    const selected = [...buckets.entries()].filter(([bucket]) => bucket >= start && bucket < end);
    return selected.sort(([a], [b]) => a - b).flatMap(([, values]) => values);
  }

  /** The statistic over every value in range; null when there is none (CloudWatch returns no datapoint). */
  query(query: MetricQuery): number | null {
    const values = this.samples(query);
    return values.length === 0 ? null : statisticOf(values, query.statistic);
  }

  #seriesKeyOf({ namespace, name, dimensions }: MetricPut): string {
    const written = writtenKey(namespace, name, dimensions);
    let key = this.#seriesKeys.get(written);
    if (key === undefined) {
      key = seriesKey(namespace, name, dimensions);
      this.#seriesKeys.set(written, key);
    }
    return key;
  }

  /** Drops buckets that fell out of retention, measured from the newest bucket written. */
  #expire(): void {
    const oldest = this.#newestBucket - this.#retentionMs;
    for (const [key, buckets] of this.#series) {
      for (const bucket of buckets.keys()) if (bucket < oldest) buckets.delete(bucket);
      if (buckets.size === 0) this.#series.delete(key);
    }
    // Series still written come back on their next put; the memo never outgrows the series kept.
    this.#seriesKeys.clear();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * False only for a line that cannot be an EMF document, checked without parsing it: a document's `_aws` key is
 * written either as the literal `"_aws"` or with a `\u` escape in it. Half of a function's lines are its plain
 * logs (one per request from the service), and this spares the daemon a JSON.parse of each.
 */
const mayBeEmf = (line: string) => line.includes('"_aws"') || line.includes('\\u');

/**
 * The puts one log line stands for when it is an Embedded Metric Format document
 * (`_aws.CloudWatchMetrics[].{Namespace, Dimensions, Metrics}` with the values and dimension values at the root,
 * a value possibly an array), one per metric value per dimension set; [] for any other line. Never throws: the
 * app's log is not ours to validate, and CloudWatch too skips what it cannot extract.
 */
export function emfMetrics(line: string): MetricPut[] {
  if (!mayBeEmf(line)) return [];
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return [];
  let document: unknown;
  try {
    document = JSON.parse(trimmed);
  } catch {
    return [];
  }
  if (!isRecord(document) || !isRecord(document._aws)) return [];
  const { Timestamp: timestamp, CloudWatchMetrics: directives } = document._aws;
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || !Array.isArray(directives)) return [];
  const puts: MetricPut[] = [];
  for (const directive of directives) {
    if (!isRecord(directive) || typeof directive.Namespace !== 'string' || !Array.isArray(directive.Metrics))
      continue;
    const namespace = directive.Namespace;
    const dimensionSets = dimensionSetsOf(document, directive.Dimensions);
    for (const metric of directive.Metrics) {
      if (!isRecord(metric) || typeof metric.Name !== 'string') continue;
      const raw = document[metric.Name];
      const values = (Array.isArray(raw) ? raw : [raw]).filter(
        (value): value is number => typeof value === 'number' && Number.isFinite(value),
      );
      const unit = typeof metric.Unit === 'string' ? { unit: metric.Unit } : {};
      for (const dimensions of dimensionSets) {
        for (const value of values)
          puts.push({ namespace, name: metric.Name, dimensions, value, timestamp, ...unit });
      }
    }
  }
  return puts;
}

/** Each dimension set's values, read from the document's root; a set naming a missing key is skipped. */
function dimensionSetsOf(document: Record<string, unknown>, sets: unknown): Record<string, string>[] {
  // No dimension sets (or an empty list) publishes the metric without dimensions, as the EMF specification says.
  if (!Array.isArray(sets) || sets.length === 0) return [{}];
  const resolved: Record<string, string>[] = [];
  for (const set of sets) {
    if (!Array.isArray(set)) continue;
    const dimensions: Record<string, string> = {};
    const complete = set.every((key) => {
      const value = typeof key === 'string' ? document[key] : undefined;
      if (typeof value !== 'string') return false;
      dimensions[key as string] = value;
      return true;
    });
    if (complete) resolved.push(dimensions);
  }
  return resolved;
}
