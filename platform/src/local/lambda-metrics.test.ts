import { describe, expect, it } from 'vitest';
import { percentile } from '../../../common/percentile.ts';
import type { RequestRecord } from '../../../service/src/observability.ts';
import { SLO_DEFINITION } from '../../../slo/src/definition.ts';
import { LAMBDA_NAMESPACE } from '../../../slo/src/metric-sources.ts';
import { LIVE_ALIAS } from '../port.ts';
import { serviceEmfLines } from '../testing/service-emf.ts';
import { DAEMON_DEFAULTS } from './daemon-settings.ts';
import {
  COLD_STARTS_METRIC,
  type InvocationRecord,
  LAMBDA_METRIC,
  LOCAL_FUNCTION_NAME,
  PLATFORM_NAMESPACE,
  recordInvocation,
  versionMetrics,
  versionTotals,
} from './lambda-metrics.ts';
import { emfMetrics, MetricStore } from './metric-store.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const fn = LOCAL_FUNCTION_NAME;
/** CloudWatch's minute, the daemon's default period. */
const PERIOD_MS = DAEMON_DEFAULTS.metricPeriodMs;
const newStore = (periodMs: number = PERIOD_MS) => new MetricStore({ retentionMs: 60 * PERIOD_MS, periodMs });
const invocation = (overrides: Partial<InvocationRecord> = {}): InvocationRecord => ({
  timestamp: T0,
  qualifier: LIVE_ALIAS,
  version: '2',
  kind: 'ok',
  durationMs: 10,
  coldStart: false,
  spillover: false,
  ...overrides,
});
const sum = (
  store: MetricStore,
  name: string,
  dimensions: Record<string, string>,
  namespace = LAMBDA_NAMESPACE,
) => store.query({ namespace, name, dimensions, start: T0, end: T0 + PERIOD_MS, statistic: 'Sum' });
const aliasDims = { FunctionName: fn, Resource: `${fn}:live` };
const executedDims = { ...aliasDims, ExecutedVersion: '2' };
const versionDims = { FunctionName: fn, Resource: `${fn}:2` };

describe('recordInvocation', () => {
  it('counts an invocation through live under the alias and under its ExecutedVersion, as Lambda does', () => {
    const store = newStore();
    recordInvocation(store, invocation({ durationMs: 12 }));
    expect(sum(store, 'Invocations', aliasDims)).toBe(1);
    expect(sum(store, 'Invocations', executedDims)).toBe(1);
    expect(sum(store, 'Invocations', versionDims)).toBeNull();
    expect(sum(store, 'Duration', executedDims)).toBe(12);
    expect(sum(store, 'Errors', executedDims)).toBeNull();
  });

  it("counts an invocation of the version's own qualifier under that qualifier only", () => {
    const store = newStore();
    recordInvocation(store, invocation({ qualifier: '2' }));
    expect(sum(store, 'Invocations', versionDims)).toBe(1);
    expect(sum(store, 'Invocations', executedDims)).toBeNull();
    expect(sum(store, 'Invocations', aliasDims)).toBeNull();
  });

  it('counts a function error as an invocation and an error; a throttle as neither, with no duration', () => {
    const store = newStore();
    recordInvocation(store, invocation({ kind: 'function-error' }));
    recordInvocation(store, invocation({ kind: 'throttle', durationMs: undefined }));
    expect(sum(store, 'Invocations', executedDims)).toBe(1);
    expect(sum(store, 'Errors', executedDims)).toBe(1);
    expect(sum(store, 'Throttles', executedDims)).toBe(1);
    expect(
      store.samples({
        namespace: LAMBDA_NAMESPACE,
        name: 'Duration',
        dimensions: executedDims,
        start: T0,
        end: T0 + PERIOD_MS,
      }),
    ).toEqual([10]);
  });

  it('counts spillover, concurrency and cold starts', () => {
    const store = newStore();
    recordInvocation(store, invocation({ spillover: true, coldStart: true, concurrentExecutions: 3 }));
    recordInvocation(store, invocation({ concurrentExecutions: 5 }));
    expect(sum(store, LAMBDA_METRIC.spillover, executedDims)).toBe(1);
    expect(
      store.query({
        namespace: LAMBDA_NAMESPACE,
        name: 'ConcurrentExecutions',
        dimensions: aliasDims,
        start: T0,
        end: T0 + PERIOD_MS,
        statistic: 'Maximum',
      }),
    ).toBe(5);
    expect(sum(store, COLD_STARTS_METRIC, { Version: '2' }, PLATFORM_NAMESPACE)).toBe(1);
  });

  it('refuses an invocation without a duration, or a version qualifier run on another version', () => {
    const store = newStore();
    expect(() => recordInvocation(store, invocation({ durationMs: undefined }))).toThrow(/durationMs/);
    expect(() => recordInvocation(store, invocation({ qualifier: '3' }))).toThrow(/qualifier 3/);
    expect(sum(store, 'Invocations', executedDims)).toBeNull();
  });
});

describe('versionMetrics', () => {
  const { namespace } = SLO_DEFINITION.metrics;
  const stage = 'local';
  const request = (status: number, latencyMs: number, alias?: string): RequestRecord => ({
    requestId: `r-${status}-${latencyMs}`,
    method: 'POST',
    path: '/predict',
    status,
    latencyMs,
    modelVersion: 'm',
    ...(alias ? { alias } : {}),
  });

  it("reads each via's Lambda figures by its Resource, and the app's from its real EMF as closely scoped", async () => {
    const store = newStore();
    const now = Date.now();
    // Version 2: through live, 20 ok (durations 1..20), 2 errors, 3 throttles, 4 spillovers; 5 on its own URL.
    for (let i = 1; i <= 20; i++)
      recordInvocation(store, invocation({ timestamp: now, durationMs: i, spillover: i <= 4 }));
    for (let i = 0; i < 2; i++)
      recordInvocation(store, invocation({ timestamp: now, kind: 'function-error', durationMs: 100 }));
    for (let i = 0; i < 3; i++)
      recordInvocation(store, invocation({ timestamp: now, kind: 'throttle', durationMs: undefined }));
    for (let i = 0; i < 5; i++)
      recordInvocation(store, invocation({ timestamp: now, qualifier: '2', durationMs: 500 }));
    // Version 3 through live: must not leak into version 2's figures.
    recordInvocation(store, invocation({ timestamp: now, version: '3', durationMs: 999 }));

    const latencies2xx = [3, 1, 4, 1.5, 9, 2.6, 5, 3.5];
    // On its own qualifier (Alias = 2): one 2xx and one 5xx, what a pre-traffic test on its URL would see.
    const ownQualifier = [request(200, 6, '2'), request(503, 40, '2')];
    const records = [
      ...latencies2xx.map((latency, i) => request(200, latency, i % 2 === 0 ? 'live' : undefined)),
      request(400, 0.5, 'live'),
      request(415, 0.7, 'live'),
      request(503, 50, 'live'),
      ...ownQualifier,
    ];
    const lines = [
      ...(await serviceEmfLines({ namespace, stage, functionVersion: '2', records })),
      ...(await serviceEmfLines({
        namespace,
        stage,
        functionVersion: '3',
        records: [request(200, 77, 'live')],
      })),
      ...(await serviceEmfLines({
        namespace,
        stage: 'prod',
        functionVersion: '2',
        records: [request(500, 1)],
      })),
    ];
    for (const line of lines) for (const put of emfMetrics(line)) store.put(put);

    // Whole periods, so the range read is the range answered (versionMetrics widens any other).
    const start = Math.floor(now / PERIOD_MS) * PERIOD_MS - 5 * PERIOD_MS;
    const range = { start: new Date(start), end: new Date(start + 10 * PERIOD_MS) };
    const read = (via: 'live' | 'version') =>
      versionMetrics(store, {
        version: '2',
        range,
        via,
        stage,
        definition: { ...SLO_DEFINITION, metrics: { ...SLO_DEFINITION.metrics, namespace } },
      });
    // The app's Version dimension counts every qualifier: through live, unqualified and its own.
    const every2xx = [...latencies2xx, 6];
    expect(read('live')).toEqual({
      version: '2',
      via: 'live',
      range,
      invocations: 22,
      errors: 2,
      throttles: 3,
      provisionedConcurrencySpilloverInvocations: 4,
      durationP50Ms: 11,
      durationP95Ms: 100,
      app: {
        requests2xx: every2xx.length,
        requests4xx: 2,
        requests5xx: 2,
        latencyP50Ms: percentile(every2xx, 50),
        latencyP95Ms: percentile(every2xx, 95),
      },
    });
    // Its own qualifier: Lambda's by Resource predictor:2, the app's by Alias = 2; nothing through live.
    expect(read('version')).toEqual({
      version: '2',
      via: 'version',
      range,
      invocations: 5,
      errors: 0,
      throttles: 0,
      provisionedConcurrencySpilloverInvocations: 0,
      durationP50Ms: 500,
      durationP95Ms: 500,
      app: { requests2xx: 1, requests4xx: 0, requests5xx: 1, latencyP50Ms: 6, latencyP95Ms: 6 },
    });
  });

  it('is zeros and nulls outside the range, and for a version with no traffic', () => {
    const store = newStore();
    recordInvocation(store, invocation());
    const later = { start: new Date(T0 + PERIOD_MS), end: new Date(T0 + 2 * PERIOD_MS) };
    const empty = versionMetrics(store, { version: '2', range: later, via: 'live', stage });
    expect(empty).toMatchObject({ invocations: 0, errors: 0, durationP50Ms: null, durationP95Ms: null });
    expect(empty.app).toEqual({
      requests2xx: 0,
      requests4xx: 0,
      requests5xx: 0,
      latencyP50Ms: null,
      latencyP95Ms: null,
    });
    const range = { start: new Date(T0), end: new Date(T0 + PERIOD_MS) };
    expect(versionMetrics(store, { version: '7', range, via: 'live', stage }).invocations).toBe(0);
    expect(versionMetrics(store, { version: '2', range, via: 'live', stage }).invocations).toBe(1);
    expect(versionMetrics(store, { version: '2', range, via: 'version', stage }).invocations).toBe(0);
  });

  it('widens the range to whole periods of the store and answers with the widened range', () => {
    const store = newStore(1_000);
    recordInvocation(store, invocation({ timestamp: T0 + 4_200 }));
    recordInvocation(store, invocation({ timestamp: T0 + 9_700 }));
    recordInvocation(store, invocation({ timestamp: T0 + 10_000 }));
    // 4.5 s .. 9.2 s touches the periods starting at 4 s..9 s: both of the first two, not the third.
    const read = versionMetrics(store, {
      version: '2',
      range: { start: new Date(T0 + 4_500), end: new Date(T0 + 9_200) },
      via: 'live',
      stage,
    });
    expect(read.range).toEqual({ start: new Date(T0 + 4_000), end: new Date(T0 + 10_000) });
    expect(read.invocations).toBe(2);
    // The same range on CloudWatch's minute counts all three.
    const minutes = newStore();
    for (const at of [4_200, 9_700, 10_000]) recordInvocation(minutes, invocation({ timestamp: T0 + at }));
    const minute = versionMetrics(minutes, {
      version: '2',
      range: { start: new Date(T0 + 4_500), end: new Date(T0 + 9_200) },
      via: 'live',
      stage,
    });
    expect([minute.range.end, minute.invocations]).toEqual([new Date(T0 + PERIOD_MS), 3]);
  });

  it("reads percentiles by the AWS side's source ids: a definition naming no p50 source fails loudly", () => {
    const store = newStore();
    recordInvocation(store, invocation());
    const range = { start: new Date(T0), end: new Date(T0 + PERIOD_MS) };
    const noMedian = {
      ...SLO_DEFINITION,
      objectives: SLO_DEFINITION.objectives.filter((slo) => slo.name !== 'latency-p50'),
    };
    expect(noMedian.objectives.length).toBe(SLO_DEFINITION.objectives.length - 1);
    expect(() =>
      versionMetrics(store, { version: '2', range, via: 'live', stage, definition: noMedian }),
    ).toThrow(/no longer names a source "durationP50"/);
  });
});

describe('versionTotals', () => {
  it('counts every qualifier of the version over all time, with its cold starts and duration percentiles', () => {
    const store = newStore();
    const durations = [5, 1, 9, 3, 7];
    for (const [i, durationMs] of durations.entries())
      recordInvocation(
        store,
        invocation({
          timestamp: T0 + i * PERIOD_MS,
          qualifier: i % 2 === 0 ? 'live' : '2',
          durationMs,
          coldStart: i === 0,
        }),
      );
    recordInvocation(store, invocation({ kind: 'function-error', durationMs: 20, qualifier: '2' }));
    recordInvocation(store, invocation({ kind: 'throttle', durationMs: undefined }));
    recordInvocation(store, invocation({ version: '3', durationMs: 1000, coldStart: true }));
    const all = [...durations, 20];
    expect(versionTotals(store, '2')).toEqual({
      invocations: 6,
      errors: 1,
      throttles: 1,
      coldStarts: 1,
      p50Ms: percentile(all, 50),
      p95Ms: percentile(all, 95),
    });
  });

  it('is zeros and null percentiles for a version that ran nothing', () => {
    expect(versionTotals(newStore(), '1')).toEqual({
      invocations: 0,
      errors: 0,
      throttles: 0,
      coldStarts: 0,
      p50Ms: null,
      p95Ms: null,
    });
  });
});
