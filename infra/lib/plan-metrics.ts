import { Duration } from 'aws-cdk-lib';
import { type IMetric, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { AlarmSource } from '../../slo/src/alarm-plan.ts';
import type { MetricRef } from '../../slo/src/metric-sources.ts';

/** An alarm plan's metric or metric-math source as a CDK metric, every part read at `periodSeconds`. */
export function toMetric(source: AlarmSource, periodSeconds: number): IMetric {
  const period = Duration.seconds(periodSeconds);
  if (source.kind === 'metric') return toCdkMetric(source.metric, period);
  const usingMetrics: Record<string, IMetric> = {};
  for (const [id, metric] of Object.entries(source.metrics)) usingMetrics[id] = toCdkMetric(metric, period);
  return new MathExpression({ expression: source.expression, usingMetrics, period });
}

export function toCdkMetric(metric: MetricRef, period: Duration): Metric {
  return new Metric({
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensionsMap: metric.dimensions,
    statistic: metric.statistic,
    period,
  });
}
