/**
 * The alert table of docs/slo.md, generated from the definition and the alarm plan so the document cannot
 * drift: alert-table.test.ts fails (and prints the fresh table) when the two disagree.
 */
import { sloAlarmPlan, type WindowAlarmSpec } from './alarm-plan.ts';
import { errorBudget, unfireableAlerts } from './burn-rate.ts';
import type { SloDefinition } from './definition.ts';
import { formatMinutes } from './duration.ts';

export const ALERT_TABLE_BEGIN = '<!-- alert-table:begin (generated from slo/src/definition.ts) -->';
export const ALERT_TABLE_END = '<!-- alert-table:end -->';

export function alertTableMarkdown(definition: SloDefinition): string {
  const plan = sloAlarmPlan(definition, { functionName: 'FUNCTION', aliasName: 'ALIAS', stage: 'STAGE' });
  const rows = plan.map((alarm) => {
    const slo = definition.objectives.find((candidate) => candidate.name === alarm.sloName);
    const badShare = alarm.pair.factor * (slo === undefined ? 0 : errorBudget(slo));
    return [
      alarm.sloName,
      alarm.severity,
      `${formatMinutes(alarm.pair.longMinutes)} / ${formatMinutes(alarm.pair.shortMinutes)}`,
      `${Number((alarm.pair.budgetConsumed * 100).toFixed(2))}%`,
      `${Number(alarm.pair.factor.toFixed(3))}x`,
      `${Number((badShare * 100).toFixed(4))}%`,
      cloudWatchText(alarm.long),
      cloudWatchText(alarm.short),
    ];
  });
  const header = [
    'SLO',
    'Severity',
    'Long / short window',
    'Budget spent in long window',
    'Burn-rate factor',
    'Bad share that fires',
    'CloudWatch long window',
    'CloudWatch short window',
  ];
  const table = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  const leftOut = unfireableAlerts(definition).map(
    (alert) =>
      `- ${alert.sloName} x ${alert.pairId}: factor ${Number(alert.factor.toFixed(3))}x is not below its highest ` +
      `possible burn rate ${Number(alert.maxBurnRate.toFixed(3))}x, so it could never fire`,
  );
  return leftOut.length === 0
    ? table.join('\n')
    : [...table, '', 'Left out (validation names these; the plan omits them):', '', ...leftOut].join('\n');
}

function cloudWatchText(spec: WindowAlarmSpec): string {
  const period = formatMinutes(spec.periodSeconds / 60);
  const source = spec.source;
  const comparison =
    source.kind === 'expression'
      ? `bad share > ${spec.threshold}`
      : !source.metric.statistic.startsWith('p')
        ? `${source.metric.metricName} (${source.metric.statistic}) > ${spec.threshold}`
        : `${source.metric.statistic} > ${spec.threshold} ms`;
  const count = `${spec.datapointsToAlarm} of ${spec.evaluationPeriods} x ${period}`;
  return `${comparison}, ${count}`;
}
