/**
 * The alert table of docs/slo.md, generated from the definition and the alarm plan so the document cannot
 * drift: alert-table.test.ts fails (and prints the fresh table) when the two disagree.
 */
import { sloAlarmPlan, type WindowAlarmSpec } from './alarm-plan.ts';
import { burnRateWindowPairs, canFire, maxBurnRate, unfireableAlerts } from './burn-rate.ts';
import type { SloDefinition } from './definition.ts';
import { formatMinutes } from './duration.ts';

export const ALERT_TABLE_BEGIN = '<!-- alert-table:begin (generated from slo/src/definition.ts) -->';
export const ALERT_TABLE_END = '<!-- alert-table:end -->';
export const BURN_RATE_FIGURE_BEGIN =
  '<!-- burn-rate-figure:begin (generated from slo/src/definition.ts) -->';
export const BURN_RATE_FIGURE_END = '<!-- burn-rate-figure:end -->';

/** Log-scale axis of the figure: 0.5x to 2000x over FIGURE_WIDTH columns. */
const FIGURE_WIDTH = 60;
const FIGURE_MIN = 0.5;
const FIGURE_MAX = 2000;

export function alertTableMarkdown(definition: SloDefinition): string {
  const plan = sloAlarmPlan(definition, { functionName: 'FUNCTION', aliasName: 'ALIAS', stage: 'STAGE' });
  const rows = plan.map((alarm) => [
    alarm.sloName,
    alarm.severity,
    `${formatMinutes(alarm.pair.longMinutes)} / ${formatMinutes(alarm.pair.shortMinutes)}`,
    `${Number((alarm.pair.budgetConsumed * 100).toFixed(2))}%`,
    `${Number(alarm.pair.factor.toFixed(3))}x`,
    `${Number((alarm.badShare * 100).toFixed(4))}%`,
    cloudWatchText(alarm.long),
    cloudWatchText(alarm.short),
  ]);
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
  const leftOut = unfireableAlerts(definition).map((alert) => `- ${alert.reason}`);
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

/**
 * The highest burn rate each SLO can reach (1 / budget, everything bad) against every alert factor, on a log
 * scale: an alert whose factor sits at or beyond the end of an SLO's bar can never fire for it.
 */
export function burnRateFigure(definition: SloDefinition): string {
  const column = (rate: number) =>
    Math.round((Math.log(rate / FIGURE_MIN) / Math.log(FIGURE_MAX / FIGURE_MIN)) * (FIGURE_WIDTH - 1));
  const pairs = burnRateWindowPairs(definition);
  const label = (text: string) => text.padEnd(14);
  const axis = [...' '.repeat(FIGURE_WIDTH)];
  const ticks = [...' '.repeat(FIGURE_WIDTH + 8)];
  for (const rate of [1, 10, 100, 1000]) {
    axis[column(rate)] = '|';
    [...`${rate}x`].forEach((char, i) => {
      ticks[column(rate) + i] = char;
    });
  }
  const factorLine = [...' '.repeat(FIGURE_WIDTH)];
  for (const pair of pairs) factorLine[column(pair.factor)] = '^';
  const bars = definition.objectives.map((slo) => {
    const highest = maxBurnRate(slo);
    const kept = pairs.filter((pair) => canFire(slo, pair)).length;
    return (
      `${label(slo.name)}${'='.repeat(column(highest) + 1)} ${Number(highest.toFixed(3))}x max: ` +
      `${kept} of ${pairs.length} alerts can fire`
    );
  });
  const factors = pairs.map((pair) => `${Number(pair.factor.toFixed(3))}x (${pair.id})`).join(', ');
  return [
    '```text',
    `${label('burn rate')}${ticks.join('').trimEnd()}`,
    `${label('')}${axis.join('').trimEnd()}`,
    `${label('alert factors')}${factorLine.join('').trimEnd()}`,
    ...bars,
    '```',
    '',
    `Alert factors (^): ${factors}. An alert fires only on a burn rate strictly above its factor.`,
  ].join('\n');
}
