import { describe, expect, it } from 'vitest';
import { householdPredictionOf } from '../../service/src/predict.ts';
import { type Answer, compareAnswers, predictionsOf } from './drift.ts';

const MODEL = 'sha256-test';
const monthly = (scale: number) => Array.from({ length: 12 }, (_, i) => (100 + i * 10) * scale);
const single = (scale = 1) => ({ modelVersion: MODEL, ...householdPredictionOf(monthly(scale)) });
const batch = (...scales: number[]) => ({
  modelVersion: MODEL,
  predictions: scales.map((scale) => householdPredictionOf(monthly(scale))),
});
const ok = (body: unknown): Answer => ({ status: 200, body });

describe('predictionsOf', () => {
  it('reads one household: its 12 monthly kWh, then its annual kWh', () => {
    const body = single();
    expect(predictionsOf(body)).toEqual([...monthly(1), body.annualKwh]);
  });

  it('reads a batch household by household, in order', () => {
    const body = batch(1, 2);
    const [first, second] = body.predictions;
    expect(predictionsOf(body)).toEqual([...monthly(1), first?.annualKwh, ...monthly(2), second?.annualKwh]);
  });

  it.each([
    {
      name: 'a problem document',
      body: { type: 'about:blank', title: 'Bad', status: 400, detail: 'x', errors: [] },
    },
    { name: 'text', body: 'Internal Server Error' },
    { name: 'null', body: null },
    { name: 'eleven months', body: { ...single(), monthly: single().monthly.slice(1) } },
    { name: 'a kWh that is a string', body: { ...single(), annualKwh: '1' } },
  ])('is null for $name', ({ body }) => {
    expect(predictionsOf(body)).toBeNull();
  });
});

const pair = (index: number, stable: Answer, candidate: Answer) => ({ index, stable, candidate });

describe('compareAnswers', () => {
  it('passes identical answers: no drift, every body answered', () => {
    const report = compareAnswers({
      answers: [pair(0, ok(single()), ok(single())), pair(1, ok(batch(1, 3)), ok(batch(1, 3)))],
      tolerance: 1e-4,
      modelChange: false,
    });
    expect(report).toMatchObject({
      compared: 2,
      unanswered: 0,
      maxRelativeDrift: 0,
      beyondTolerance: 0,
      withinTolerance: true,
      modelChange: false,
      passed: true,
    });
    expect(report.worst.map((row) => row.index)).toEqual([0, 1]);
  });

  it('measures the largest relative difference of a body’s numbers, within tolerance', () => {
    const report = compareAnswers({
      answers: [pair(0, ok(single(1)), ok(single(1.00005)))],
      tolerance: 1e-4,
      modelChange: false,
    });
    const s = predictionsOf(single(1)) ?? [];
    const c = predictionsOf(single(1.00005)) ?? [];
    const expected = Math.max(...s.map((value, i) => Math.abs((c[i] ?? 0) - value) / value));
    expect(expected).toBeGreaterThan(0);
    expect(report.maxRelativeDrift).toBe(expected);
    expect(report.passed).toBe(true);
  });

  it('fails drift beyond tolerance unless the release declares a model change, and shows it either way', () => {
    const answers = [pair(0, ok(single()), ok(single())), pair(1, ok(single()), ok(single(1.1)))];
    const strict = compareAnswers({ answers, tolerance: 1e-4, modelChange: false });
    expect(strict).toMatchObject({ beyondTolerance: 1, withinTolerance: false, passed: false });
    expect(strict.maxRelativeDrift).toBeCloseTo(0.1, 6);
    expect(strict.worst[0]).toMatchObject({ index: 1, stable: predictionsOf(single()) });
    const declared = compareAnswers({ answers, tolerance: 1e-4, modelChange: true });
    expect(declared).toMatchObject({
      beyondTolerance: 1,
      withinTolerance: false,
      modelChange: true,
      passed: true,
    });
  });

  it('reads an answer that breaks the contract (kWh 0) as unanswered, never as a division by zero', () => {
    const zero = { modelVersion: MODEL, unit: 'kWh', monthly: [], annualKwh: 0 };
    const report = compareAnswers({
      answers: [pair(0, ok(zero), ok(single()))],
      tolerance: 1e-4,
      modelChange: false,
    });
    expect(report).toMatchObject({ unanswered: 1, maxRelativeDrift: null, passed: false });
  });

  it('says answers holding different numbers of predictions differ, beyond tolerance, and keeps saying it in JSON', () => {
    const report = compareAnswers({
      answers: [pair(0, ok(batch(1, 2)), ok(batch(1))), pair(1, ok(single()), ok(single(1.2)))],
      tolerance: 1e-4,
      modelChange: false,
    });
    expect(report).toMatchObject({ unanswered: 0, beyondTolerance: 2, passed: false });
    expect(report.maxRelativeDrift).toBeCloseTo(0.2);
    const differing = {
      index: 0,
      relativeDrift: null,
      mismatch: 'answer lengths differ: stable gave 26 numbers, the candidate 13',
    };
    // A mismatch comes first in the table: it is not the same answer at all.
    expect(report.worst[0]).toMatchObject(differing);
    expect(JSON.parse(JSON.stringify(report)).worst[0]).toMatchObject(differing);
  });

  it.each([
    { name: 'a 5xx', answer: { status: 500, body: { title: 'Internal' } } },
    { name: 'a 4xx', answer: { status: 400, body: { title: 'Bad Request' } } },
    { name: 'a transport failure', answer: { error: 'ECONNRESET' } },
    { name: 'a 200 that is not a prediction', answer: { status: 200, body: 'ok' } },
  ])('counts $name as unanswered, which fails even a declared model change', ({ answer }) => {
    for (const modelChange of [false, true]) {
      const report = compareAnswers({
        answers: [pair(0, ok(single()), ok(single())), pair(1, ok(single()), answer)],
        tolerance: 1e-4,
        modelChange,
      });
      expect(report).toMatchObject({ compared: 2, unanswered: 1, withinTolerance: false, passed: false });
      expect(report.worst.find((row) => row.index === 1)).toMatchObject({
        candidate: null,
        relativeDrift: null,
      });
    }
  });

  it('orders the table: beyond tolerance (largest first), then unanswered, then the rest; and cuts it', () => {
    const answers = [
      pair(0, ok(single()), ok(single(1.00001))),
      pair(1, ok(single()), ok(single(1.2))),
      pair(2, { error: 'timeout' }, ok(single())),
      pair(3, ok(single()), ok(single(1.5))),
      pair(4, ok(single()), ok(single(1.00002))),
      pair(5, ok(single()), ok(single())),
    ];
    const report = compareAnswers({ answers, tolerance: 1e-4, modelChange: false, worstRows: 5 });
    expect(report.worst.map((row) => row.index)).toEqual([3, 1, 2, 4, 0]);
    expect(report).toMatchObject({ compared: 6, unanswered: 1, beyondTolerance: 2 });
  });

  it('shows ten rows by default', () => {
    const answers = Array.from({ length: 12 }, (_, index) => pair(index, ok(single()), ok(single())));
    expect(compareAnswers({ answers, tolerance: 1e-4, modelChange: false }).worst).toHaveLength(10);
  });

  it('does not pass having compared nothing', () => {
    const report = compareAnswers({ answers: [], tolerance: 1e-4, modelChange: true });
    expect(report).toMatchObject({
      compared: 0,
      maxRelativeDrift: null,
      withinTolerance: false,
      passed: false,
    });
  });
});
