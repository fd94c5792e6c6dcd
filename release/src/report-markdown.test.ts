import { describe, expect, it } from 'vitest';
import { loadTestObjectives } from '../../slo/src/load-test.ts';
import type { DriftReport } from './model.ts';
import { buildReleaseReport, type ProductionTraffic } from './report.ts';
import { renderReleaseMarkdown } from './report-markdown.ts';
import {
  ALREADY_LIVE_REASON,
  alreadyLiveJournal,
  ERROR_RATE_FAILED,
  FROZEN_REASON,
  inProgressJournal,
  PRETRAFFIC_REASON,
  promotedJournal,
  ROLLBACK_REASON,
  refusedJournal,
  revertedJournal,
  rolledBackAtFirstStepJournal,
  stoppedByPretrafficJournal,
} from './report-test-journals.ts';

const markdownOf = (entries: Parameters<typeof buildReleaseReport>[0], production?: ProductionTraffic) =>
  renderReleaseMarkdown(buildReleaseReport(entries, { production: production ?? null }));

/** The values of the `line` in the mermaid block whose title contains `title`. */
function chartLine(markdown: string, title: string): number[] {
  const block = markdown.split('```mermaid').find((part) => part.includes(title));
  const line = block?.match(/ {2}line \[([^\]]*)\]/)?.[1];
  if (line === undefined) throw new Error(`no chart line under "${title}" in:\n${markdown}`);
  return line.split(', ').map(Number);
}

describe('renderReleaseMarkdown', () => {
  it.each([
    ['promoted', promotedJournal(), '### ✅ promoted 2 to live'],
    ['rolled back', rolledBackAtFirstStepJournal(), `### ⏪ rolled back: ${ERROR_RATE_FAILED.reason}`],
    [
      'stopped before traffic',
      stoppedByPretrafficJournal(),
      `### ⛔ stopped before traffic: ${PRETRAFFIC_REASON}`,
    ],
    ['refused', refusedJournal(), `### 🚫 refused: ${FROZEN_REASON}`],
    ['already live', alreadyLiveJournal(), `### ✅ ${ALREADY_LIVE_REASON}`],
    ['in progress', inProgressJournal(), '### ⏳ in progress: shift 2/3 (50 %)'],
    ['reverted', revertedJournal(), `### ↩️ rolled live back from 2 to 1: ${ROLLBACK_REASON}`],
  ])('opens a %s release with its outcome and main reason', (_name, entries, firstLine) => {
    const markdown = markdownOf(entries);
    expect(markdown.split('\n')[0]).toBe(firstLine);
    expect(markdown.endsWith('\n')).toBe(true);
  });

  it('states the exposure: highest weight, requests and errors of the judged bakes and of a roll back’s tail', () => {
    expect(markdownOf(promotedJournal())).toContain(
      '**Exposure:** version 2 had at most 100 % of live; 1841 requests, 2 errors (0.11 %) in its judged bakes',
    );
    expect(markdownOf(rolledBackAtFirstStepJournal())).toContain(
      'had at most 10 % of live; 270 requests, 15 errors (5.6 %) in its judged bakes and until live was back on 1 ' +
        '(30 requests, 3 errors over 2026-11-30T04:01:12.000Z – 2026-11-30T04:01:40.000Z)',
    );
    expect(markdownOf(stoppedByPretrafficJournal())).toContain(
      '**Exposure:** none: version 2 never had a share of live',
    );
  });

  it('shows a rollback run as its move and its timeline alone: no plan, exposure or charts', () => {
    const markdown = markdownOf(revertedJournal());
    expect(markdown).toMatch(
      /^Rollback `rehearsal-20261130T040000Z` of `shiftgate-predictor`: live from version 2 back to 1, its provisioned concurrency \(4\) handed over · started 2026-11-30T04:00:00.000Z · finished 2026-11-30T04:00:\d\d.000Z, exit code 0$/m,
    );
    expect(markdown).toContain("| At | Event | Version 2's share |");
    expect(markdown).not.toMatch(/\*\*Plan:\*\*|\*\*Exposure:\*\*|```mermaid/);
  });

  it('shows a release with nothing to release as its line, freeze and timeline alone: no exposure it never had', () => {
    const markdown = markdownOf(alreadyLiveJournal());
    expect(markdown).toMatch(
      /^Release `rehearsal-20261130T040000Z` of `shiftgate-predictor`: candidate 2, stable 2 · started 2026-11-30T04:00:00.000Z · finished 2026-11-30T04:00:03.000Z \(3 s\), exit code 0$/m,
    );
    expect(markdown).toContain('**Freeze:** not frozen: availability: 40 % of the budget used');
    expect(markdown).toContain('| +3 s | already-live | 100 % |');
    expect(markdown).not.toMatch(/\*\*Plan:\*\*|\*\*Exposure:\*\*|never had a share|```mermaid/);
  });

  it('shows the plan, the freeze and how the release ended', () => {
    const markdown = markdownOf(promotedJournal());
    expect(markdown).toContain('**Plan:** 10 % for 12 s → 50 % for 12 s → 100 % (promote, watch 10 s)');
    expect(markdown).toContain('judged once it has ≥ 200 requests of the candidate, baking up to 40 s');
    expect(markdown).toContain('**Freeze:** not checked: the local platform keeps no 28-day history');
    expect(markdown).toMatch(/finished 2026-11-30T04:\d\d:\d\d\.000Z \(\d+ min \d+ s\), exit code 0/);
    expect(markdownOf(refusedJournal())).toContain(
      '**Freeze:** 🧊 frozen: availability: 130 % of the budget used',
    );
    expect(markdownOf(inProgressJournal())).toContain('not finished: last state shift 2/3 (50 %) at');
  });

  it('tables the pre-traffic gate that stopped the release, with the failing check', () => {
    const markdown = markdownOf(stoppedByPretrafficJournal());
    expect(markdown).toContain(`#### Pre-traffic gate (candidate alone): ❌ failed: ${PRETRAFFIC_REASON}`);
    expect(markdown).toMatch(/\| ❌ \| latency-p95 \| .* \| 150\.0 ms \|/);
    expect(markdown).not.toContain('#### Step');
    expect(markdown).toContain('_The candidate never had a share of live._');
  });

  it('tables the drift with its worst bodies, both versions side by side', () => {
    const markdown = markdownOf(promotedJournal());
    expect(markdown).toContain('#### Prediction drift: ✅ within tolerance');
    expect(markdown).toContain(
      '100 bodies compared, 0 unanswered by either version, 0 beyond 0.1 %; largest drift 0.04 %',
    );
    expect(markdown).toContain('| ✅ | 7 | 1.25, 2.5 | 1.2505, 2.5 | 0.04 % |');
  });

  it('says a body whose answers differ in length is not the same answer', () => {
    const report = buildReleaseReport(promotedJournal());
    const drift = report.drift as DriftReport;
    const mismatch = 'answer lengths differ: stable gave 2 numbers, the candidate 4';
    const worst = [{ index: 3, stable: [1, 2], candidate: [1, 2, 3, 4], relativeDrift: null, mismatch }];
    expect(renderReleaseMarkdown({ ...report, drift: { ...drift, worst } })).toContain(
      `| ❌ | 3 | 1, 2 | 1, 2, 3, 4 | ${mismatch} |`,
    );
  });

  it.each([
    [{ beyondTolerance: 3, modelChange: false, passed: false }, '❌ 3 beyond tolerance'],
    [
      { beyondTolerance: 3, modelChange: true, passed: true },
      '✅ 3 beyond tolerance (model change declared)',
    ],
    [{ unanswered: 2, modelChange: true, passed: false }, '❌ 2 unanswered (model change declared)'],
  ])(
    'says why drift %j did not stay within tolerance, and whether that stops the release',
    (change, words) => {
      const report = buildReleaseReport(promotedJournal());
      const drift = { ...(report.drift as DriftReport), withinTolerance: false, ...change };
      expect(renderReleaseMarkdown({ ...report, drift })).toContain(`#### Prediction drift: ${words}\n`);
    },
  );

  it('tables each judged step: every check against the SLO or stable, and both versions’ figures', () => {
    const markdown = markdownOf(rolledBackAtFirstStepJournal());
    expect(markdown).toContain('#### Step 1/3: 10 % of live: ❌ fail after 12 s');
    expect(markdown).toContain(
      `| ❌ | availability | SLO | ${ERROR_RATE_FAILED.objective} | ${ERROR_RATE_FAILED.measured} |`,
    );
    expect(markdown).toContain(
      '| ✅ | latency-p95 vs stable | stable | ≤ stable × 1.25 or + 5 ms | +1.0 ms |',
    );
    expect(markdown).toContain(`- ${ERROR_RATE_FAILED.reason}`);
    expect(markdown).toContain(
      '| candidate 2 | 240 | 12 (5 %) | 2 | 0 | 10 | 20.0 ms | 40.0 ms | 20.0 ms | 42.0 ms | 0 |',
    );
    expect(markdown).toContain('| stable 1 | 2160 | 0 (0 %) | 0 | 0 | 0 |');
  });

  it('shows the watch window without a stable row, and a step still baking as such', () => {
    const watch = markdownOf(promotedJournal()).split('#### Watch after promotion')[1] ?? '';
    expect(watch).toMatch(/^: ✅ pass after 12 s/);
    expect(watch.split('#### ')[0]).not.toContain('| stable');
    expect(markdownOf(inProgressJournal())).toContain('#### Step 2/3: 50 % of live: ⏳ still baking');
  });

  it('draws the candidate’s weight over the release as a step line that reaches every weight it held', () => {
    const weights = chartLine(markdownOf(promotedJournal()), 'share of live');
    expect(weights[0]).toBe(0);
    expect(weights.at(-1)).toBe(100);
    expect(new Set(weights)).toEqual(new Set([0, 10, 50, 100]));
    expect(weights).toEqual([...weights].sort((a, b) => a - b));

    const rolledBack = chartLine(markdownOf(rolledBackAtFirstStepJournal()), 'share of live');
    expect(Math.max(...rolledBack)).toBe(10);
    expect(rolledBack.at(-1)).toBe(0);
  });

  it('draws the candidate’s p95 per judged bake against the p95 limit of the SLOs', () => {
    const markdown = markdownOf(promotedJournal());
    const p95Gate = loadTestObjectives().latency.find((gate) => gate.percentile === 95);
    expect(markdown).toContain('  x-axis ["10 %", "50 %", "watch"]');
    expect(markdown).toContain('  bar [40, 45, 50]');
    expect(chartLine(markdown, 'p95 per judged bake')).toEqual([
      p95Gate?.thresholdMs,
      p95Gate?.thresholdMs,
      p95Gate?.thresholdMs,
    ]);
  });

  it('lists the timeline’s events with their second and the candidate’s weight', () => {
    const markdown = markdownOf(rolledBackAtFirstStepJournal());
    expect(markdown).toMatch(/\| \+\d+ s \| live → 1 with 2 at 0\.1 \| 10 % \|/);
    expect(markdown).toMatch(/\| \+\d+ s \| rolled-back \| 0 % \|/);
  });

  it('shows what clients of live saw, per phase of the release, when production traffic was recorded', () => {
    const perSecond = [0, 1, 2, 3, 4].map((second) => ({
      second,
      requests: 100,
      errors: second === 4 ? 2 : 0,
      p50Ms: 20,
      p95Ms: 40 + second,
    }));
    const production: ProductionTraffic = {
      target: 'http://127.0.0.1:9000/live',
      // Two seconds before the release started: seconds 0–2 come before its first state (preflight, at +1 s).
      startedAt: '2026-11-30T03:59:58.000Z',
      durationSeconds: 5,
      ratePerSecond: 100,
      requests: 500,
      errors: 2,
      statusCounts: { '200': 498, '503': 2 },
      latencyP50Ms: 20,
      latencyP95Ms: 43,
      perSecond,
    };

    const markdown = markdownOf(promotedJournal(), production);

    expect(markdown).toContain('#### What clients of live saw');
    expect(markdown).toContain(
      '500 requests, 2 errors (0.4 %), p50 20.0 ms, p95 43.0 ms (statuses: 200: 498, 503: 2)',
    );
    expect(markdown).toContain('| before the release | 3 | 300 | 0 (0 %) | 42.0 ms |');
    expect(markdown).toContain('| preflight | 2 | 200 | 2 (1 %) | 44.0 ms |');
    expect(markdownOf(promotedJournal())).not.toContain('What clients of live saw');
  });
});
