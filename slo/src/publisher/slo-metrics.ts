/**
 * What the publisher writes every 5 minutes, computed from the same window series the report reads. Pure.
 *
 * A native alarm covers windows up to one alarm period, one day (cloudwatch-limits.ts: no longer sliding period
 * is documented), so the exact burn rate of every longer (SLO x window) is published as
 * BurnRate{service, Stage, Slo, Window} and alarmed on (see alarm-plan.ts). ErrorBudgetRemaining{service, Stage,
 * Slo} is the 28-day budget left, for anyone who graphs or alarms on it (no dashboard of ours reads it yet).
 * No data is not zero: an SLO without data in the window publishes nothing, and says why.
 */
import { publishedWindows } from '../alarm-plan.ts';
import { burnRateOver } from '../alerts.ts';
import { sloWindowMinutes } from '../burn-rate.ts';
import type { SloDefinition } from '../definition.ts';
import { formatMinutes } from '../duration.ts';
import { outcomesFor, type ReportInput } from '../report.ts';
import { budgetRemaining, minutesToMs, windowTotals } from '../sli.ts';

export interface SloMetricDatum {
  metricName: string;
  dimensions: Record<string, string>;
  value: number;
}

export interface SkippedSloMetric {
  sloName: string;
  reason: string;
}

export interface SloMetrics {
  data: SloMetricDatum[];
  skipped: SkippedSloMetric[];
}

export function sloMetrics(definition: SloDefinition, input: ReportInput, stage: string): SloMetrics {
  const { metrics, published } = definition;
  const windowStart = input.windowEnd - minutesToMs(sloWindowMinutes(definition));
  const data: SloMetricDatum[] = [];
  const skipped: SkippedSloMetric[] = [];
  for (const slo of definition.objectives) {
    const base = {
      service: metrics.service,
      [metrics.stageDimension]: stage,
      [published.sloDimension]: slo.name,
    };
    const outcomes = outcomesFor(slo, input);
    const remaining = budgetRemaining(slo, windowTotals(slo, outcomes, windowStart, input.windowEnd));
    if (remaining === undefined) {
      skipped.push({
        sloName: slo.name,
        reason: `no data in the ${definition.timeWindow.duration} window ending ${new Date(input.windowEnd).toISOString()}: nothing published`,
      });
      continue;
    }
    data.push({ metricName: published.budgetRemainingMetric, dimensions: base, value: remaining });
    for (const minutes of publishedWindows(definition, slo)) {
      const window = formatMinutes(minutes);
      const burn = burnRateOver(slo, outcomes, minutes, input.windowEnd);
      if (burn === undefined) {
        skipped.push({
          sloName: slo.name,
          reason: `no data in the last ${window}: no ${window} burn rate published`,
        });
        continue;
      }
      data.push({
        metricName: published.burnRateMetric,
        dimensions: { ...base, [published.windowDimension]: window },
        value: burn,
      });
    }
  }
  return { data, skipped };
}
