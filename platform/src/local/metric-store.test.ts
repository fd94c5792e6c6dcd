import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SLO_DEFINITION } from '../../../slo/src/definition.ts';
import { serviceEmfLines } from '../testing/service-emf.ts';
import { DAEMON_DEFAULTS } from './daemon-settings.ts';
import { emfMetrics, type MetricPut, MetricStore, type Statistic } from './metric-store.ts';

/** CloudWatch's period for Lambda's metrics, the daemon's default. */
const MINUTE = DAEMON_DEFAULTS.metricPeriodMs;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const dims = { FunctionName: 'predictor', Resource: 'predictor:live', ExecutedVersion: '2' };
const put = (store: MetricStore, value: number, timestamp: number, overrides: Partial<MetricPut> = {}) =>
  store.put({ namespace: 'AWS/Lambda', name: 'Duration', dimensions: dims, value, timestamp, ...overrides });
const query = {
  namespace: 'AWS/Lambda',
  name: 'Duration',
  dimensions: dims,
  start: T0,
  end: T0 + 10 * MINUTE,
};

describe('MetricStore', () => {
  it('answers every statistic over the values in range', () => {
    const store = new MetricStore({ retentionMs: 60 * MINUTE, periodMs: MINUTE });
    for (const value of [5, 1, 4, 2, 3]) put(store, value, T0 + 1000);
    put(store, 100, T0 + MINUTE + 5);
    const stat = (statistic: Statistic) => store.query({ ...query, statistic });
    expect(stat('Sum')).toBe(115);
    expect(stat('SampleCount')).toBe(6);
    expect(stat('Maximum')).toBe(100);
    expect(stat('Minimum')).toBe(1);
    expect(stat('Average')).toBeCloseTo(115 / 6);
    expect(stat('p50')).toBe(3);
    expect(stat('p95')).toBe(100);
    expect(stat('p99.9')).toBe(100);
  });

  it('is null when nothing is in range, as CloudWatch returns no datapoint', () => {
    const store = new MetricStore({ retentionMs: 60 * MINUTE, periodMs: MINUTE });
    expect(store.query({ ...query, statistic: 'Sum' })).toBeNull();
    put(store, 1, T0 + 20 * MINUTE);
    expect(store.query({ ...query, statistic: 'p95' })).toBeNull();
  });

  it('matches the dimensions exactly: a subset, a superset or another value is another metric', () => {
    const store = new MetricStore({ retentionMs: 60 * MINUTE, periodMs: MINUTE });
    put(store, 7, T0);
    const { ExecutedVersion: _, ...subset } = dims;
    const sum = (dimensions: Record<string, string>) =>
      store.query({ ...query, dimensions, statistic: 'Sum' });
    expect(sum(subset)).toBeNull();
    expect(sum({ ...dims, Extra: 'x' })).toBeNull();
    expect(sum({ ...dims, ExecutedVersion: '3' })).toBeNull();
    expect(sum({ ExecutedVersion: '2', Resource: 'predictor:live', FunctionName: 'predictor' })).toBe(7);
    expect(store.query({ ...query, name: 'Invocations', statistic: 'Sum' })).toBeNull();
    expect(store.query({ ...query, namespace: 'Other', statistic: 'Sum' })).toBeNull();
  });

  it('buckets by minute and selects buckets whose start is in [start, end)', () => {
    const store = new MetricStore({ retentionMs: 60 * MINUTE, periodMs: MINUTE });
    put(store, 1, T0 - 1); // bucket T0 - 1 min
    put(store, 10, T0); // bucket T0
    put(store, 100, T0 + MINUTE - 1); // bucket T0
    put(store, 1000, T0 + MINUTE); // bucket T0 + 1 min
    const sum = (start: number, end: number) => store.query({ ...query, start, end, statistic: 'Sum' });
    expect(sum(T0, T0 + MINUTE)).toBe(110);
    // A range starting mid-bucket leaves that bucket out: its start time is before the range, as in CloudWatch.
    expect(sum(T0 + 30_000, T0 + 2 * MINUTE)).toBe(1000);
    expect(sum(T0 - MINUTE, T0 + 2 * MINUTE)).toBe(1111);
    expect(sum(T0 - MINUTE, T0)).toBe(1);
    expect(store.query({ ...query, start: new Date(T0), end: new Date(T0 + MINUTE), statistic: 'Sum' })).toBe(
      110,
    );
  });

  it('sums any split of values across buckets to the same total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(10 * MINUTE - 1), fc.integer({ min: 0, max: 1000 }))),
        (points) => {
          const store = new MetricStore({ retentionMs: 60 * MINUTE, periodMs: MINUTE });
          for (const [offset, value] of points) put(store, value, T0 + offset);
          const total = points.reduce((sum, [, value]) => sum + value, 0);
          expect(store.query({ ...query, statistic: 'Sum' })).toBe(points.length === 0 ? null : total);
          expect(store.samples(query)).toHaveLength(points.length);
        },
      ),
    );
  });

  it('forgets buckets older than its retention', () => {
    const store = new MetricStore({ retentionMs: 5 * MINUTE, periodMs: MINUTE });
    put(store, 1, T0);
    put(store, 2, T0 + 3 * MINUTE);
    expect(store.query({ ...query, statistic: 'Sum' })).toBe(3);
    put(store, 4, T0 + 6 * MINUTE);
    expect(store.query({ ...query, statistic: 'Sum' })).toBe(6);
    put(store, 8, T0); // written late, already out of retention
    expect(store.query({ ...query, statistic: 'Sum' })).toBe(6);
  });

  it('keeps one series per metric across expiry, whatever order its dimensions are written in', () => {
    const store = new MetricStore({ retentionMs: 2 * MINUTE, periodMs: MINUTE });
    const reversed = Object.fromEntries(Object.entries(dims).reverse());
    put(store, 1, T0);
    put(store, 2, T0, { dimensions: reversed });
    put(store, 4, T0 + 3 * MINUTE); // expires the first bucket
    put(store, 8, T0 + 3 * MINUTE, { dimensions: reversed });
    put(store, 16, T0 + 3 * MINUTE, { dimensions: { ...dims, ExecutedVersion: '3' } });
    expect(store.query({ ...query, statistic: 'Sum' })).toBe(12);
    expect(store.query({ ...query, dimensions: reversed, statistic: 'SampleCount' })).toBe(2);
  });

  it('refuses a non-finite value or timestamp, an unknown statistic and too short a retention', () => {
    const store = new MetricStore({ retentionMs: MINUTE, periodMs: MINUTE });
    expect(() => put(store, Number.NaN, T0)).toThrow(/not finite/);
    expect(() => put(store, 1, Number.NaN)).toThrow(/timestamp/);
    put(store, 1, T0);
    expect(() => store.query({ ...query, statistic: 'TM(10%:90%)' as never })).toThrow(/unknown/);
    expect(() => new MetricStore({ retentionMs: 1000, periodMs: MINUTE })).toThrow(/retentionMs/);
    for (const periodMs of [0, 1.5, Number.NaN]) {
      expect(() => new MetricStore({ retentionMs: MINUTE, periodMs })).toThrow(
        /periodMs .* is not a whole number/,
      );
    }
  });

  it('buckets by a shorter period when given one, for a rehearsal that compresses time', () => {
    const store = new MetricStore({ retentionMs: MINUTE, periodMs: 1_000 });
    put(store, 1, T0 + 999);
    put(store, 10, T0 + 1_000);
    put(store, 100, T0 + 2_500);
    const sum = (start: number, end: number) => store.query({ ...query, start, end, statistic: 'Sum' });
    expect([sum(T0, T0 + 1_000), sum(T0 + 1_000, T0 + 2_000), sum(T0 + 500, T0 + 3_000)]).toEqual([
      1, 10, 110,
    ]);
    expect(store.periodMs).toBe(1_000);
  });

  it('reads no bucket past its retention, however seldom it sweeps them away', () => {
    const store = new MetricStore({ retentionMs: 5_000, periodMs: 1_000 });
    for (let second = 0; second < 10; second += 1) put(store, 2 ** second, T0 + second * 1_000);
    // The newest bucket starts at 9 s: the buckets from 4 s on are kept (2^4 + ... + 2^9).
    expect(store.query({ ...query, statistic: 'Sum' })).toBe(2 ** 10 - 2 ** 4);
  });
});

describe('emfMetrics', () => {
  const { namespace, service, stageDimension, versionDimension, aliasDimension, statusClassDimension } =
    SLO_DEFINITION.metrics;

  it("reads a line the service's observability writes: one put per dimension set", async () => {
    const [line, ...rest] = await serviceEmfLines({
      namespace,
      stage: 'local',
      functionVersion: '4',
      records: [
        {
          requestId: 'r',
          method: 'POST',
          path: '/predict',
          status: 503,
          latencyMs: 2.5,
          modelVersion: 'm',
          alias: 'live',
        },
      ],
    });
    expect(rest).toEqual([]);
    const puts = emfMetrics(line as string);
    const timestamp = (JSON.parse(line as string) as { _aws: { Timestamp: number } })._aws.Timestamp;
    const common = {
      namespace,
      name: SLO_DEFINITION.metrics.latencyMetric,
      value: 2.5,
      unit: 'Milliseconds',
      timestamp,
    };
    expect(puts).toEqual([
      {
        ...common,
        dimensions: {
          service,
          [stageDimension]: 'local',
          [aliasDimension]: 'live',
          [statusClassDimension]: '5xx',
        },
      },
      {
        ...common,
        dimensions: {
          service,
          [stageDimension]: 'local',
          [versionDimension]: '4',
          [statusClassDimension]: '5xx',
        },
      },
    ]);
  });

  it('reads array values, several metrics and no dimensions', () => {
    const line = JSON.stringify({
      _aws: {
        Timestamp: T0,
        CloudWatchMetrics: [{ Namespace: 'N', Metrics: [{ Name: 'A', Unit: 'Count' }, { Name: 'B' }] }],
      },
      A: [1, 2],
      B: 3,
    });
    expect(emfMetrics(line)).toEqual([
      { namespace: 'N', name: 'A', dimensions: {}, value: 1, unit: 'Count', timestamp: T0 },
      { namespace: 'N', name: 'A', dimensions: {}, value: 2, unit: 'Count', timestamp: T0 },
      { namespace: 'N', name: 'B', dimensions: {}, value: 3, timestamp: T0 },
    ]);
  });

  it('skips a dimension set naming a missing or non-string key, and non-numeric values', () => {
    const line = JSON.stringify({
      _aws: {
        Timestamp: T0,
        CloudWatchMetrics: [
          { Namespace: 'N', Dimensions: [['a'], ['missing'], ['n']], Metrics: [{ Name: 'M' }] },
        ],
      },
      a: 'x',
      n: 5,
      M: [1, 'two', null],
    });
    expect(emfMetrics(line)).toEqual([
      { namespace: 'N', name: 'M', dimensions: { a: 'x' }, value: 1, timestamp: T0 },
    ]);
  });

  it.each([
    '',
    'START RequestId: 1 Version: 2',
    '{"level":"INFO","message":"request completed"}',
    '{not json',
    '[1,2]',
    'null',
    '{"_aws":{"CloudWatchMetrics":[]}}',
    '{"_aws":{"Timestamp":"now","CloudWatchMetrics":[{"Namespace":"N","Metrics":[{"Name":"M"}]}]},"M":1}',
    '{"_aws":{"Timestamp":1,"CloudWatchMetrics":"x"}}',
    '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[null,{"Namespace":1},{"Namespace":"N","Metrics":[null,{}]}]}}',
  ])('is [] for %j and never throws', (line) => {
    expect(emfMetrics(line)).toEqual([]);
  });

  it('reads an EMF line however its _aws key is spelled, JSON escapes included', () => {
    const document = {
      _aws: { Timestamp: T0, CloudWatchMetrics: [{ Namespace: 'N', Metrics: [{ Name: 'M' }] }] },
      M: 1,
    };
    const line = JSON.stringify(document);
    const expected = [{ namespace: 'N', name: 'M', dimensions: {}, value: 1, timestamp: T0 }];
    expect(emfMetrics(line)).toEqual(expected);
    expect(emfMetrics(` ${line.replace('"_aws"', '"\\u005faws"')}`)).toEqual(expected);
    expect(emfMetrics(line.replace('"_aws"', '"_\\u0061w\\u0073"'))).toEqual(expected);
    expect(emfMetrics(line.replace('"_aws":', '"_aws" :'))).toEqual(expected);
  });

  it('reads every EMF document among other keys, and nothing from a line that is not one', () => {
    const name = fc.string({ minLength: 1, maxLength: 8 });
    const emfDocument = fc
      .record({
        extra: fc.dictionary(name, fc.jsonValue(), { maxKeys: 4 }),
        metric: name.filter((metric) => metric !== 'd' && metric !== '_aws'),
        value: fc.double({ noNaN: true, noDefaultInfinity: true }),
        dimension: fc.string({ maxLength: 8 }),
      })
      .map(({ extra, metric, value, dimension }) => ({
        ...extra,
        _aws: {
          Timestamp: T0,
          CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['d']], Metrics: [{ Name: metric }] }],
        },
        d: dimension,
        [metric]: value,
      }));
    fc.assert(
      fc.property(emfDocument, (document) => {
        const puts = emfMetrics(JSON.stringify(document));
        expect(puts).toContainEqual(expect.objectContaining({ namespace: 'N', timestamp: T0 }));
      }),
    );
    const withoutAws = fc.dictionary(name, fc.jsonValue()).filter((document) => !('_aws' in document));
    fc.assert(
      fc.property(withoutAws, (document) => {
        expect(emfMetrics(JSON.stringify(document))).toEqual([]);
      }),
    );
  });

  it('never throws on any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (line) => {
        expect(Array.isArray(emfMetrics(line))).toBe(true);
      }),
    );
  });
});
