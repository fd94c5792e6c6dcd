import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { k6Thresholds } from '../../slo/src/load-test.ts';
import {
  buildK6Options,
  concurrencyFor,
  GRACEFUL_STOP_SECONDS,
  REQUEST_TIMEOUT_SECONDS,
  resolveScenarioRun,
  SCENARIOS,
  scenarioTableMarkdown,
} from './scenarios.ts';

describe('resolveScenarioRun', () => {
  it.each([
    [{ scenario: undefined }, { scenario: 'smoke', ratePerSecond: 20, durationSeconds: 10 }],
    [{ scenario: 'pr' }, { scenario: 'pr', ratePerSecond: SCENARIOS.pr.ratePerSecond, durationSeconds: 60 }],
    [
      { scenario: 'canary', rate: '75', duration: '' },
      { scenario: 'canary', ratePerSecond: 75, durationSeconds: 60 },
    ],
    [
      { scenario: 'pr', rate: '', duration: '5' },
      { scenario: 'pr', ratePerSecond: 200, durationSeconds: 5 },
    ],
  ])('resolves %j to %j (explicit value over scenario default)', (params, expected) => {
    expect(resolveScenarioRun(params)).toEqual(expected);
  });

  it.each([
    [{ scenario: 'soak' }, 'unknown scenario "soak"; choose one of: smoke, pr, canary'],
    [{ scenario: 'pr', rate: 'fast' }, 'rate must be a positive whole number, got "fast"'],
    [{ scenario: 'pr', rate: '2.5' }, 'rate must be a positive whole number, got "2.5"'],
    [{ scenario: 'pr', duration: '-1' }, 'duration must be a positive whole number, got "-1"'],
  ])('rejects %j naming the value and the fix', (params, message) => {
    expect(() => resolveScenarioRun(params)).toThrow(message);
  });
});

describe('buildK6Options', () => {
  it('builds one open-model scenario with the thresholds derived from slo/', () => {
    const thresholds = k6Thresholds();
    const options = buildK6Options({ scenario: 'pr', ratePerSecond: 200, durationSeconds: 60 }, thresholds);

    expect(options.scenarios).toEqual({
      pr: {
        executor: 'constant-arrival-rate',
        rate: 200,
        timeUnit: '1s',
        duration: '60s',
        preAllocatedVUs: 20,
        maxVUs: 200,
        gracefulStop: '12s',
      },
    });
    expect(options.thresholds).toBe(thresholds);
    expect(options.summaryTrendStats).toEqual(
      expect.arrayContaining(['med', 'p(90)', 'p(95)', 'p(99)', 'max']),
    );
  });

  it('waits longer than the request timeout at the end, so no request sent on schedule goes uncounted', () => {
    const options = buildK6Options({ scenario: 'pr', ratePerSecond: 200, durationSeconds: 60 }, {});
    const gracefulStopSeconds = Number.parseInt(options.scenarios.pr?.gracefulStop ?? '', 10);
    expect(gracefulStopSeconds).toBeGreaterThan(REQUEST_TIMEOUT_SECONDS);
  });

  it.each(Object.values(SCENARIOS))('$name is an arrival-rate scenario k6 can run', (definition) => {
    const options = buildK6Options(
      {
        scenario: definition.name,
        ratePerSecond: definition.ratePerSecond,
        durationSeconds: definition.durationSeconds,
      },
      {},
    );
    const scenario = options.scenarios[definition.name];
    expect(scenario?.executor).toMatch(/arrival-rate$/);
    expect(Number.isInteger(scenario?.rate)).toBe(true);
    expect(scenario?.maxVUs).toBeGreaterThanOrEqual(scenario?.preAllocatedVUs ?? Number.POSITIVE_INFINITY);
  });

  it('smoke ends within 25 s even when every request hangs until the graceful stop', () => {
    const smoke = SCENARIOS.smoke;
    expect(smoke.durationSeconds + GRACEFUL_STOP_SECONDS).toBeLessThanOrEqual(25);
  });
});

describe('concurrencyFor', () => {
  it.each([
    [1, { preAllocated: 5, max: 5 }],
    [200, { preAllocated: 20, max: 200 }],
    [5_000, { preAllocated: 500, max: 5_000 }],
  ])('sizes %d req/s by Little’s law with a floor: %j', (rate, expected) => {
    expect(concurrencyFor(rate)).toEqual(expected);
  });
});

describe('docs/load-testing.md', () => {
  /** Biome pads markdown tables; compare cell contents only. */
  const cells = (table: string) =>
    table
      .trim()
      .split('\n')
      .map((row) =>
        row
          .split('|')
          .map((cell) => cell.trim().replace(/^-+$/, '-'))
          .join('|'),
      );

  it('shows the scenario table generated from SCENARIOS', () => {
    const docs = readFileSync(new URL('../../docs/load-testing.md', import.meta.url), 'utf8');
    const table =
      docs.split('<!-- scenario-table:start -->')[1]?.split('<!-- scenario-table:end -->')[0] ?? '';
    expect(cells(table)).toEqual(cells(scenarioTableMarkdown()));
  });
});
