/**
 * Collects per-request outcomes into HDR histograms (overall and per second of schedule) and status counts, then
 * summarizes them into the figures of a result. In memory only; the runner feeds it.
 */
import * as hdr from 'hdr-histogram-js';
import { isBadStatus } from './k6-contract.ts';
import { type LatencySamples, type LatencySummary, type TimelinePoint, TRANSPORT_ERROR } from './result.ts';

/** Microsecond resolution; 3 significant digits keeps each recorded value within 0.1 %. */
const MICROS_PER_MS = 1_000;
const HISTOGRAM = { lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 } as const;

export type Outcome =
  | { kind: 'response'; status: number; latencyMs: number; scheduledAtMs: number }
  | { kind: 'transport_error'; scheduledAtMs: number };

/** `badStatusFrom` comes from the availability SLO (slo/); a throttle is bad too (see isBadStatus). */
export function isAvailabilityError(outcome: Outcome, badStatusFrom: number): boolean {
  return outcome.kind === 'transport_error' || isBadStatus(outcome.status, badStatusFrom);
}

export function isSuccess(outcome: Outcome): outcome is Extract<Outcome, { kind: 'response' }> {
  return outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300;
}

interface SecondBucket {
  requests: number;
  errors: number;
  latency: hdr.Histogram;
  /** Successful latencies in 0.01 ms steps: HDR keeps 3 significant digits, finer would be false precision. */
  samples: number[];
}

const round2 = (value: number) => Math.round(value * 100) / 100;

const round3 = (value: number) => Math.round(value * 1_000) / 1_000;

function percentileMs(histogram: hdr.Histogram, percentile: number): number | null {
  if (histogram.totalCount === 0) return null;
  return round3(histogram.getValueAtPercentile(percentile) / MICROS_PER_MS);
}

export class OutcomeRecorder {
  readonly #latency = hdr.build(HISTOGRAM);
  readonly #sendLag = hdr.build(HISTOGRAM);
  readonly #seconds = new Map<number, SecondBucket>();
  readonly #statusCounts = new Map<string, number>();
  readonly #badStatusFrom: number;
  #requests = 0;
  #errors = 0;

  constructor(badStatusFrom: number) {
    this.#badStatusFrom = badStatusFrom;
  }

  record(outcome: Outcome): void {
    this.#requests += 1;
    const key = outcome.kind === 'transport_error' ? TRANSPORT_ERROR : String(outcome.status);
    this.#statusCounts.set(key, (this.#statusCounts.get(key) ?? 0) + 1);
    const bucket = this.#bucket(Math.floor(outcome.scheduledAtMs / 1_000));
    bucket.requests += 1;
    if (isAvailabilityError(outcome, this.#badStatusFrom)) {
      this.#errors += 1;
      bucket.errors += 1;
    }
    if (isSuccess(outcome)) {
      const micros = Math.max(1, Math.round(outcome.latencyMs * MICROS_PER_MS));
      this.#latency.recordValue(micros);
      bucket.latency.recordValue(micros);
      bucket.samples.push(round2(outcome.latencyMs));
    }
  }

  /** How late the client sent a request against its schedule: the runner's own contribution to latency. */
  recordSendLag(lagMs: number): void {
    this.#sendLag.recordValue(Math.max(1, Math.round(lagMs * MICROS_PER_MS)));
  }

  sendLagMs(): { p50: number | null; p99: number | null; max: number | null } {
    const lag = this.#sendLag;
    return {
      p50: percentileMs(lag, 50),
      p99: percentileMs(lag, 99),
      max: lag.totalCount === 0 ? null : round3(lag.maxValue / MICROS_PER_MS),
    };
  }

  #bucket(second: number): SecondBucket {
    let bucket = this.#seconds.get(second);
    if (!bucket) {
      bucket = { requests: 0, errors: 0, latency: hdr.build(HISTOGRAM), samples: [] };
      this.#seconds.set(second, bucket);
    }
    return bucket;
  }

  get requests(): number {
    return this.#requests;
  }

  summary(): {
    requests: number;
    errors: number;
    successfulRequests: number;
    statusCounts: Record<string, number>;
    latencyMs: LatencySummary;
    timeline: TimelinePoint[];
    latencySamples: LatencySamples;
  } {
    const latency = this.#latency;
    const seconds = [...this.#seconds.entries()].sort(([a], [b]) => a - b);
    return {
      requests: this.#requests,
      errors: this.#errors,
      successfulRequests: latency.totalCount,
      statusCounts: Object.fromEntries([...this.#statusCounts].sort(([a], [b]) => a.localeCompare(b))),
      latencyMs: {
        p50: percentileMs(latency, 50),
        p90: percentileMs(latency, 90),
        p95: percentileMs(latency, 95),
        p99: percentileMs(latency, 99),
        max: latency.totalCount === 0 ? null : round3(latency.maxValue / MICROS_PER_MS),
      },
      timeline: seconds.map(([second, bucket]) => ({
        second,
        requests: bucket.requests,
        errors: bucket.errors,
        p50Ms: percentileMs(bucket.latency, 50),
        p95Ms: percentileMs(bucket.latency, 95),
      })),
      latencySamples: seconds.flatMap(([second, bucket]) =>
        bucket.samples.length === 0 ? [] : [{ second, ms: bucket.samples }],
      ),
    };
  }
}
