/**
 * A small model of CloudWatch for tests: per-minute traffic in, the statistics CloudWatch would compute out
 * (Sum, SampleCount, pNN nearest rank, TC(:t) and PR(:t) with the upper bound included), metric math of the
 * forms the plans use (IF, FILL, arithmetic, comparisons), alarm evaluation (M of N periods ending at
 * the evaluation time, missing data as the spec says) and GetMetricData answered from the same traffic.
 */
import {
  type CloudWatchClientResolvedConfig,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-cloudwatch';
import type { AwsStub } from 'aws-sdk-client-mock';
import type { AlarmSource, WindowAlarmSpec } from '../alarm-plan.ts';
import type { MetricRef } from '../metric-sources.ts';
import type { MissingDataAlarmSpec } from '../missing-data-plan.ts';

export const MINUTE_MS = 60_000;

export interface Responses {
  statusClass: '2xx' | '4xx' | '5xx';
  latencyMs: number;
  count: number;
}

/** One minute of one alias: Lambda's counters and the app's responses (one Latency value each). */
export interface Minute {
  /** Every route, /health and /openapi.json too: only the app's `responses` are POST /predict. */
  invocations: number;
  errors: number;
  throttles: number;
  responses: Responses[];
}

export interface Traffic {
  /** Start of minute 0, epoch ms. */
  start: number;
  /** The app's Stage and Alias dimension values; app metrics with other values have no data. */
  stage: string;
  alias: string;
  minutes: Minute[];
}

function minutesIn(traffic: Traffic, from: number, to: number): Minute[] {
  const first = Math.max(0, Math.ceil((from - traffic.start) / MINUTE_MS));
  const last = Math.min(traffic.minutes.length, Math.ceil((to - traffic.start) / MINUTE_MS));
  return first >= last ? [] : traffic.minutes.slice(first, last);
}

/** The value CloudWatch would give `metric` over [from, to), or undefined when it has no datapoint there. */
export function statisticOver(
  metric: MetricRef,
  traffic: Traffic,
  from: number,
  to: number,
): number | undefined {
  const minutes = minutesIn(traffic, from, to);
  if (metric.namespace === 'AWS/Lambda') {
    const field = { Invocations: 'invocations', Errors: 'errors', Throttles: 'throttles' }[metric.metricName];
    if (field === undefined || metric.statistic !== 'Sum')
      throw new Error(`simulator: no ${metric.metricName}`);
    const sum = minutes.reduce((total, minute) => total + minute[field as 'invocations'], 0);
    // Lambda publishes these only when they are non-zero.
    return sum > 0 ? sum : undefined;
  }
  const { Stage, Alias, StatusClass } = metric.dimensions;
  if (Stage !== traffic.stage || Alias !== traffic.alias) return undefined;
  const values = minutes.flatMap((minute) => minute.responses.filter((r) => r.statusClass === StatusClass));
  const count = values.reduce((total, r) => total + r.count, 0);
  if (count === 0) return undefined;
  const within = (threshold: number) =>
    values.filter((r) => r.latencyMs <= threshold).reduce((total, r) => total + r.count, 0);
  const statistic = metric.statistic;
  const range = /^(TC|PR)\(:(\d+(?:\.\d+)?)\)$/.exec(statistic);
  if (statistic === 'SampleCount') return count;
  if (range?.[1] === 'TC') return within(Number(range[2]));
  if (range?.[1] === 'PR') return (100 * within(Number(range[2]))) / count;
  const percentile = /^p(\d+(?:\.\d+)?)$/.exec(statistic);
  if (percentile !== null) {
    const rank = Math.ceil((Number(percentile[1]) / 100) * count);
    let seen = 0;
    for (const r of [...values].sort((a, b) => a.latencyMs - b.latencyMs)) {
      seen += r.count;
      if (seen >= rank) return r.latencyMs;
    }
  }
  throw new Error(`simulator: statistic ${statistic} is not modelled`);
}

type Value = number | undefined;

/** Evaluates CloudWatch metric math of the forms the plans generate; a missing input propagates as missing. */
export function evaluateExpression(expression: string, inputs: Readonly<Record<string, Value>>): Value {
  const tokens = expression.match(/\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|>=|<=|==|!=|[-+*/(),<>]/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string): string => {
    const token = tokens[at++];
    if (token === undefined || (expected !== undefined && token !== expected)) {
      throw new Error(`simulator: expected ${expected ?? 'a token'} at ${at} in ${expression}`);
    }
    return token;
  };
  const both = (a: Value, b: Value, op: (x: number, y: number) => number): Value =>
    a === undefined || b === undefined ? undefined : op(a, b);
  const binary: Record<string, (x: number, y: number) => number> = {
    '+': (x, y) => x + y,
    '-': (x, y) => x - y,
    '*': (x, y) => x * y,
    '/': (x, y) => x / y,
    '>': (x, y) => Number(x > y),
    '<': (x, y) => Number(x < y),
    '>=': (x, y) => Number(x >= y),
    '<=': (x, y) => Number(x <= y),
    '==': (x, y) => Number(x === y),
    '!=': (x, y) => Number(x !== y),
  };
  const levels = [
    ['>', '<', '>=', '<=', '==', '!='],
    ['+', '-'],
    ['*', '/'],
  ];
  const parseLevel = (level: number): Value => {
    if (level === levels.length) return primary();
    let left = parseLevel(level + 1);
    while (levels[level]?.includes(peek() ?? '')) {
      const op = binary[take()];
      if (op === undefined) throw new Error('simulator: unknown operator');
      left = both(left, parseLevel(level + 1), op);
    }
    return left;
  };
  const primary = (): Value => {
    const token = take();
    if (token === '(') {
      const value = parseLevel(0);
      take(')');
      return value;
    }
    if (/^\d/.test(token)) return Number(token);
    if (token === 'IF' || token === 'FILL') {
      take('(');
      const args = [parseLevel(0)];
      while (peek() === ',') {
        take(',');
        args.push(parseLevel(0));
      }
      take(')');
      if (token === 'FILL') return args[0] ?? args[1];
      return args[0] === undefined ? undefined : args[0] !== 0 ? args[1] : args[2];
    }
    if (!(token in inputs)) throw new Error(`simulator: unknown id ${token} in ${expression}`);
    return inputs[token];
  };
  const value = parseLevel(0);
  if (at !== tokens.length) throw new Error(`simulator: trailing tokens in ${expression}`);
  return value;
}

function sourceValue(source: AlarmSource, traffic: Traffic, from: number, to: number): Value {
  if (source.kind === 'metric') return statisticOver(source.metric, traffic, from, to);
  const inputs: Record<string, Value> = {};
  for (const [id, metric] of Object.entries(source.metrics))
    inputs[id] = statisticOver(metric, traffic, from, to);
  return evaluateExpression(source.expression, inputs);
}

/**
 * Whether an alarm is in ALARM at `at`: at least datapointsToAlarm of the evaluationPeriods periods ending at
 * `at` breach. `published` stands in for a custom metric (the publisher's BurnRate): its datapoint at `at`.
 */
export function alarmFires(
  spec: WindowAlarmSpec | MissingDataAlarmSpec,
  traffic: Traffic,
  at: number,
  published?: { metricName: string; latest: (metric: MetricRef) => Value },
): boolean {
  const comparison = 'comparison' in spec ? spec.comparison : 'GreaterThanThreshold';
  const missingBreaches = 'treatMissingData' in spec && spec.treatMissingData === 'breaching';
  const periodMs = spec.periodSeconds * 1000;
  let breaching = 0;
  for (let i = 0; i < spec.evaluationPeriods; i += 1) {
    const to = at - i * periodMs;
    const source = spec.source;
    const isPublished = source.kind === 'metric' && source.metric.metricName === published?.metricName;
    // The publisher writes one datapoint per run; the latest period holds the run at `at`.
    const value = isPublished
      ? i === 0
        ? published?.latest(source.metric)
        : undefined
      : sourceValue(source, traffic, to - periodMs, to);
    if (value === undefined) {
      if (missingBreaches) breaching += 1;
      continue;
    }
    if (comparison === 'GreaterThanThreshold' ? value > spec.threshold : value < spec.threshold)
      breaching += 1;
  }
  return breaching >= spec.datapointsToAlarm;
}

/** Answers GetMetricData from the traffic: one datapoint per period of each query that has data. */
export function answerFromTraffic(
  cloudWatch: AwsStub<ServiceInputTypes, ServiceOutputTypes, CloudWatchClientResolvedConfig>,
  traffic: Traffic,
): void {
  cloudWatch.on(GetMetricDataCommand).callsFake((request: GetMetricDataCommandInput) => {
    const start = request.StartTime?.getTime() ?? 0;
    const end = request.EndTime?.getTime() ?? 0;
    return {
      MetricDataResults: (request.MetricDataQueries ?? []).map((query) => {
        const stat = query.MetricStat;
        const metric: MetricRef = {
          namespace: stat?.Metric?.Namespace ?? '',
          metricName: stat?.Metric?.MetricName ?? '',
          dimensions: Object.fromEntries((stat?.Metric?.Dimensions ?? []).map((d) => [d.Name, d.Value])),
          statistic: stat?.Stat ?? '',
        };
        const periodMs = (stat?.Period ?? 60) * 1000;
        const timestamps: Date[] = [];
        const values: number[] = [];
        for (let from = start; from < end; from += periodMs) {
          const value = statisticOver(metric, traffic, from, from + periodMs);
          if (value === undefined) continue;
          timestamps.push(new Date(from));
          values.push(value);
        }
        return { Id: query.Id, StatusCode: 'Complete', Timestamps: timestamps, Values: values };
      }),
    };
  });
}
