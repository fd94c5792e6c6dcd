/**
 * The release report as Markdown, for a pull-request comment, a job summary or a terminal. Pure: a report in, a
 * string out. Its first line is the outcome in words; its charts come from report-charts.ts.
 */
import { fmt } from '../../loadtest/src/chart.ts';
import { renderGateTable } from '../../loadtest/src/report.ts';
import type { JudgeCheck } from './model.ts';
import type { ProductionTraffic, ReleaseReport, ReportStep, VersionFigures } from './report.ts';
import { secondsSince, stepLatencyChart, weightChart } from './report-charts.ts';

const mark = (passed: boolean) => (passed ? '✅' : '❌');
/** Two significant digits below 1 %, so a 0.04 % drift or error rate does not read as 0 %. */
function percent(share: number): string {
  const value = share * 100;
  return `${value === 0 || Math.abs(value) >= 1 ? fmt(value) : Number(value.toPrecision(2))} %`;
}
const ms = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(1)} ms`);

function duration(milliseconds: number): string {
  const totalSeconds = Math.round(milliseconds / 1000);
  if (totalSeconds < 60) return `${fmt(milliseconds / 1000)} s`;
  const minutes = Math.floor(totalSeconds / 60);
  const rest = totalSeconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

const ratio = (part: number, whole: number) => (whole === 0 ? '' : ` (${percent(part / whole)})`);

function headline(report: ReleaseReport): string {
  const reason = report.reasons[0] ?? report.abort?.reason ?? 'no reason recorded';
  switch (report.outcome) {
    case 'promoted':
      return `✅ promoted ${report.candidate} to live`;
    case 'rolled-back':
      return `⏪ rolled back: ${reason}`;
    case 'stopped-before-traffic':
      return `⛔ stopped before traffic: ${reason}`;
    case 'refused':
      return `🚫 refused: ${reason}`;
    case 'reverted':
      return `↩️ rolled live back from ${report.candidate} to ${report.stable}: ${reason}`;
    case 'already-live':
      return `✅ ${reason}`;
    case null:
      return `⏳ in progress: ${report.state}`;
  }
}

function exposureLine(report: ReleaseReport): string {
  const { maxCandidateWeight, candidateRequests, candidateErrors, exposureTail } = report;
  if (maxCandidateWeight === 0)
    return `**Exposure:** none: version ${report.candidate} never had a share of live`;
  const where =
    exposureTail === null
      ? 'in its judged bakes'
      : `in its judged bakes and until live was back on ${report.stable} ` +
        `(${exposureTail.candidate.requests} requests, ${exposureTail.candidate.bad} errors over ` +
        `${exposureTail.window.start} – ${exposureTail.window.end})`;
  return (
    `**Exposure:** version ${report.candidate} had at most ${percent(maxCandidateWeight)} of live; ` +
    `${candidateRequests} requests, ${candidateErrors} errors${ratio(candidateErrors, candidateRequests)} ${where}`
  );
}

function releaseLine(report: ReleaseReport): string {
  const end = report.finishedAt
    ? `finished ${report.finishedAt} (${duration(Date.parse(report.finishedAt) - Date.parse(report.startedAt))}), exit code ${report.exitCode}`
    : `not finished: last state ${report.state} at ${report.reportedAt}`;
  return `Release \`${report.releaseId}\` of \`${report.functionName}\`: candidate ${report.candidate}, stable ${report.stable} · started ${report.startedAt} · ${end}`;
}

function rollbackLine(report: ReleaseReport): string {
  const { candidate, stable } = report;
  const move =
    report.outcome === 'refused'
      ? `live not moved by it (on version ${candidate} when it started; asked for ${stable})`
      : `live from version ${candidate} back to ${stable}, its provisioned concurrency (${report.livePc}) handed over`;
  const end = report.finishedAt
    ? `finished ${report.finishedAt}, exit code ${report.exitCode}`
    : `not finished: ${report.state} at ${report.reportedAt} (resume or abort carries it on)`;
  return `Rollback \`${report.releaseId}\` of \`${report.functionName}\`: ${move} · started ${report.startedAt} · ${end}`;
}

function planLines(report: ReleaseReport): string[] {
  const { plan } = report;
  const steps = plan.steps.map((step, index) =>
    index === plan.steps.length - 1
      ? `${percent(step.weight)} (promote, watch ${duration(step.bakeMs)})`
      : `${percent(step.weight)} for ${duration(step.bakeMs)}`,
  );
  const { latencyRatio, latencyMinMs, errorAlpha } = plan.regression;
  return [
    `**Plan:** ${steps.join(' → ')}`,
    `- each bake judged once it has ≥ ${plan.minRequests} requests of the candidate, baking up to ${duration(plan.maxBakeMs)}`,
    `- pre-traffic gate: the canary scenario for ${plan.pretrafficSeconds} s against the candidate alone`,
    `- drift: ${plan.drift.requests} canary bodies to both versions, tolerance ${percent(plan.drift.tolerance)}${report.modelChange ? ' (model change declared: drift reported, not refused)' : ''}`,
    `- against stable: latency above stable × ${latencyRatio} and + ${latencyMinMs} ms, or errors significantly worse (α ${errorAlpha})`,
    `- live's provisioned concurrency at the start: ${report.livePc}`,
  ];
}

function freezeLine(report: ReleaseReport): string | null {
  const { freeze, overrideFreeze } = report;
  const override = overrideFreeze === null ? '' : ` — overridden: "${overrideFreeze}"`;
  if (freeze === null) return overrideFreeze === null ? null : `**Freeze:** not recorded${override}`;
  if (!freeze.checked) return `**Freeze:** not checked: ${freeze.why}${override}`;
  return `**Freeze:** ${freeze.frozen ? '🧊 frozen' : 'not frozen'}: ${freeze.detail}${override}`;
}

function pretrafficSection(report: ReleaseReport): string | null {
  const gate = report.pretraffic;
  if (gate === null) return null;
  const verdict = gate.passed ? '✅ passed' : `❌ failed${gate.reason ? `: ${gate.reason}` : ''}`;
  return [
    `#### Pre-traffic gate (candidate alone): ${verdict}`,
    '',
    renderGateTable({ passed: gate.passed, checks: [...gate.checks] }),
  ].join('\n');
}

const numbers = (values: readonly number[] | null) => (values === null ? 'no 2xx answer' : values.join(', '));

function driftSection(report: ReleaseReport): string | null {
  const drift = report.drift;
  if (drift === null) return null;
  const problems = [
    ...(drift.beyondTolerance > 0 ? [`${drift.beyondTolerance} beyond tolerance`] : []),
    ...(drift.unanswered > 0 ? [`${drift.unanswered} unanswered`] : []),
  ];
  const declared = drift.modelChange ? ' (model change declared)' : '';
  const verdict = drift.withinTolerance
    ? '✅ within tolerance'
    : `${mark(drift.passed)} ${problems.join(', ')}${declared}`;
  const summary =
    `${drift.compared} bodies compared, ${drift.unanswered} unanswered by either version, ` +
    `${drift.beyondTolerance} beyond ${percent(drift.tolerance)}; largest drift ` +
    `${drift.maxRelativeDrift === null ? 'n/a' : percent(drift.maxRelativeDrift)}`;
  const rows = drift.worst.map((row) => {
    const within = !row.mismatch && row.relativeDrift !== null && row.relativeDrift <= drift.tolerance;
    const size = row.mismatch || (row.relativeDrift === null ? 'n/a' : percent(row.relativeDrift));
    return `| ${mark(within)} | ${row.index} | ${numbers(row.stable)} | ${numbers(row.candidate)} | ${size} |`;
  });
  return [
    `#### Prediction drift: ${verdict}`,
    '',
    summary,
    ...(rows.length
      ? ['', '| | Body | Stable (kWh) | Candidate (kWh) | Relative drift |', '|---|---|---|---|---|', ...rows]
      : []),
  ].join('\n');
}

const AGAINST: Record<JudgeCheck['against'], string> = {
  slo: 'SLO',
  stable: 'stable',
  evidence: 'evidence',
  alarm: 'alarm',
};

function figuresRow(role: string, figures: VersionFigures): string {
  const { requests, bad } = figures;
  return `| ${role} ${figures.version} | ${requests} | ${bad}${ratio(bad, requests)} | ${figures.errors} | ${figures.throttles} | ${figures.requests5xx} | ${ms(figures.appLatencyP50Ms)} | ${ms(figures.appLatencyP95Ms)} | ${ms(figures.durationP50Ms)} | ${ms(figures.durationP95Ms)} | ${figures.spilloverInvocations} |`;
}

function stepTitle(step: ReportStep, stepCount: number): string {
  return step.phase === 'watch'
    ? 'Watch after promotion'
    : `Step ${step.index + 1}/${stepCount}: ${percent(step.weight)} of live`;
}

const DECISION: Record<ReportStep['decision'], string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  'keep-baking': '⏳ still baking',
};

function stepSection(step: ReportStep, stepCount: number): string {
  const checks = step.checks.map(
    (check) =>
      `| ${mark(check.passed)} | ${check.name} | ${AGAINST[check.against]} | ${check.objective} | ${check.measured ?? `not measured: ${check.reason}`} |`,
  );
  const spillover = step.spilloverShare === null ? 'n/a' : percent(step.spilloverShare);
  return [
    `#### ${stepTitle(step, stepCount)}: ${DECISION[step.decision]} after ${duration(step.elapsedMs)}`,
    '',
    `Metrics over ${step.window.start} – ${step.window.end}; spillover to on-demand: ${spillover} of the candidate's invocations`,
    '',
    '| | Check | Against | Objective | Measured |',
    '|---|---|---|---|---|',
    ...checks,
    ...(step.reasons.length ? ['', ...step.reasons.map((reason) => `- ${reason}`)] : []),
    '',
    '| Version | Requests | Bad | Errors | Throttles | 5xx | p50 | p95 | Duration p50 | Duration p95 | Spillover |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    figuresRow('candidate', step.candidate),
    ...(step.stable ? [figuresRow('stable', step.stable)] : []),
  ].join('\n');
}

function eventsBlock(report: ReleaseReport): string {
  const rows = report.timeline.map(
    (event) =>
      `| +${fmt(secondsSince(report.startedAt, event.at))} s | ${event.event} | ${percent(event.weight)} |`,
  );
  return [
    '<details><summary>Timeline</summary>',
    '',
    `| At | Event | ${report.kind === 'rollback' ? `Version ${report.candidate}'s share` : 'Candidate weight'} |`,
    '|---|---|---|',
    ...rows,
    '',
    '</details>',
  ].join('\n');
}

interface PhaseTraffic {
  phase: string;
  seconds: number;
  requests: number;
  errors: number;
  worstP95Ms: number | null;
}

/** Each recorded second of production traffic under the state the release was in at that second. */
function productionByPhase(report: ReleaseReport, production: ProductionTraffic): PhaseTraffic[] {
  const states = report.timeline.filter((event) => event.kind === 'state');
  const end = report.finishedAt === null ? null : Date.parse(report.finishedAt);
  const phases = new Map<string, PhaseTraffic>();
  for (const point of production.perSecond ?? []) {
    const at = Date.parse(production.startedAt) + point.second * 1000;
    const phase =
      end !== null && at >= end
        ? 'after the release'
        : (states.filter((state) => Date.parse(state.at) <= at).at(-1)?.event ?? 'before the release');
    const sum = phases.get(phase) ?? { phase, seconds: 0, requests: 0, errors: 0, worstP95Ms: null };
    sum.seconds += 1;
    sum.requests += point.requests;
    sum.errors += point.errors;
    if (point.p95Ms !== null) sum.worstP95Ms = Math.max(sum.worstP95Ms ?? 0, point.p95Ms);
    phases.set(phase, sum);
  }
  return [...phases.values()];
}

function productionSection(report: ReleaseReport): string | null {
  const production = report.production;
  if (production === null) return null;
  const statuses = Object.entries(production.statusCounts)
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
  const phases = productionByPhase(report, production).map(
    (phase) =>
      `| ${phase.phase} | ${phase.seconds} | ${phase.requests} | ${phase.errors}${ratio(phase.errors, phase.requests)} | ${ms(phase.worstP95Ms)} |`,
  );
  return [
    '#### What clients of live saw',
    '',
    `${production.ratePerSecond} req/s (open model) to ${production.target} for ${fmt(production.durationSeconds)} s: ` +
      `${production.requests} requests, ${production.errors} errors${ratio(production.errors, production.requests)}, ` +
      `p50 ${ms(production.latencyP50Ms)}, p95 ${ms(production.latencyP95Ms)} (statuses: ${statuses || 'none'})`,
    ...(phases.length
      ? [
          '',
          '| Phase | Seconds | Requests | Errors | Worst second’s p95 |',
          '|---|---|---|---|---|',
          ...phases,
        ]
      : []),
  ].join('\n');
}

export function renderReleaseMarkdown(report: ReleaseReport): string {
  const reasons = report.reasons.length > 1 ? report.reasons.map((reason) => `- ${reason}`).join('\n') : null;
  const abort =
    report.abort && `**Abort** requested by ${report.abort.by} at ${report.abort.at}: ${report.abort.reason}`;
  // A rollback run shifts no weights and judges nothing: what it did is its line and its timeline. Nor does a
  // release with nothing to release, whose candidate had all of live before it and has it still.
  const sections =
    report.kind === 'rollback'
      ? [`### ${headline(report)}`, rollbackLine(report), reasons, abort, eventsBlock(report)]
      : report.outcome === 'already-live'
        ? [`### ${headline(report)}`, releaseLine(report), freezeLine(report), eventsBlock(report)]
        : releaseSections(report, reasons, abort);
  return `${sections.filter((section): section is string => section !== null).join('\n\n')}\n`;
}

function releaseSections(
  report: ReleaseReport,
  reasons: string | null,
  abort: string | null,
): (string | null)[] {
  return [
    `### ${headline(report)}`,
    exposureLine(report),
    releaseLine(report),
    reasons,
    abort,
    freezeLine(report),
    planLines(report).join('\n'),
    pretrafficSection(report),
    driftSection(report),
    ...report.steps.map((step) => stepSection(step, report.plan.steps.length)),
    weightChart(report) ?? '_The candidate never had a share of live._',
    stepLatencyChart(report),
    eventsBlock(report),
    productionSection(report),
  ];
}
