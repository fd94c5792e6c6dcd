import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../model/src/domain.ts';
import { HTTP_LIMITS } from './limits.ts';
import { householdPredictionOf, predictCommandOf } from './predict.ts';

const household = { area: 'tokyo', householdSize: 3, knownUsage: { month: 8, kwh: 420 } };

function errorPathsOf(body: unknown): string[] {
  const command = predictCommandOf(body);
  if (command.ok) throw new Error('expected the body to be refused');
  expect(command.problem.status).toBe(400);
  return command.problem.errors.map((error) => error.path).sort();
}

describe('predictCommandOf', () => {
  it('reads one household and applies the defaults', () => {
    expect(predictCommandOf(household)).toEqual({
      ok: true,
      kind: 'single',
      households: [{ ...household, housing: 'apartment', allElectric: false }],
    });
  });

  it('reads a batch in order', () => {
    const second = { ...household, area: 'okinawa', housing: 'detached', allElectric: true };
    const command = predictCommandOf({ instances: [household, second] });
    expect(command.ok && command.kind).toBe('batch');
    expect(command.ok && command.households.map((h) => h.area)).toEqual(['tokyo', 'okinawa']);
  });

  it.each([
    { name: 'an unknown area', body: { ...household, area: 'osaka' }, paths: ['/area'] },
    { name: 'a fractional size', body: { ...household, householdSize: 2.5 }, paths: ['/householdSize'] },
    {
      name: 'a size over the limit',
      body: { ...household, householdSize: LIMITS.householdSize.max + 1 },
      paths: ['/householdSize'],
    },
    {
      name: 'month 0',
      body: { ...household, knownUsage: { month: 0, kwh: 1 } },
      paths: ['/knownUsage/month'],
    },
    {
      name: 'zero kWh',
      body: { ...household, knownUsage: { month: 1, kwh: 0 } },
      paths: ['/knownUsage/kwh'],
    },
    {
      name: 'kWh over the limit',
      body: { ...household, knownUsage: { month: 1, kwh: LIMITS.maxKwh + 0.001 } },
      paths: ['/knownUsage/kwh'],
    },
    {
      name: 'kWh as a string',
      body: { ...household, knownUsage: { month: 1, kwh: '420' } },
      paths: ['/knownUsage/kwh'],
    },
    { name: 'an unknown field', body: { ...household, name: 'x' }, paths: ['/name'] },
    { name: 'a null housing', body: { ...household, housing: null }, paths: ['/housing'] },
    {
      name: 'three bad fields at once',
      body: { area: 'mars', householdSize: 0, knownUsage: { month: 13, kwh: 1 } },
      paths: ['/area', '/householdSize', '/knownUsage/month'],
    },
    { name: 'a missing knownUsage', body: { area: 'tokyo', householdSize: 1 }, paths: ['/knownUsage'] },
    { name: 'an array', body: [household], paths: [''] },
    { name: 'null', body: null, paths: [''] },
    { name: 'an empty batch', body: { instances: [] }, paths: ['/instances'] },
    {
      name: 'a batch over the limit',
      body: { instances: Array.from({ length: HTTP_LIMITS.maxBatchInstances + 1 }, () => household) },
      paths: ['/instances'],
    },
    {
      name: 'bad members of a batch',
      body: { instances: [household, { ...household, area: 'x' }, { ...household, householdSize: 11 }] },
      paths: ['/instances/1/area', '/instances/2/householdSize'],
    },
    {
      name: 'a batch with a sibling field',
      body: { instances: [household], area: 'tokyo' },
      paths: ['/area'],
    },
  ])('refuses $name, naming $paths', ({ body, paths }) => {
    expect(errorPathsOf(body)).toEqual(paths);
  });

  it('accepts exactly the batch limit', () => {
    const command = predictCommandOf({
      instances: Array.from({ length: HTTP_LIMITS.maxBatchInstances }, () => household),
    });
    expect(command.ok && command.households).toHaveLength(HTTP_LIMITS.maxBatchInstances);
  });
});

describe('householdPredictionOf', () => {
  const kwh = [500, 480.123456789, 400, 300, 250, 260, 330, 420, 310, 270, 300, 450];

  it('reports months 1..12 in order with their sum', () => {
    const prediction = householdPredictionOf(kwh);
    expect(prediction.unit).toBe('kWh');
    expect(prediction.monthly.map((m) => m.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(prediction.annualKwh).toBeCloseTo(
      prediction.monthly.reduce((sum, m) => sum + m.kwh, 0),
      6,
    );
  });

  it.each([
    { kwh: 480.123456789, reported: 480.123 },
    { kwh: 419.99998474121094, reported: 420 },
    { kwh: 0.000012345678, reported: 0.0000123457 },
  ])('keeps 6 significant digits: $kwh → $reported', ({ kwh: value, reported }) => {
    expect(householdPredictionOf(kwh.map(() => value)).monthly[0]?.kwh).toBe(reported);
  });

  it('keeps the annual total within 0.5 kWh of the sum at 12 × the kWh limit', () => {
    const prediction = householdPredictionOf(kwh.map(() => LIMITS.maxKwh - 0.0001));
    const sum = prediction.monthly.reduce((total, m) => total + m.kwh, 0);
    expect(Math.abs(prediction.annualKwh - sum)).toBeLessThanOrEqual(0.5);
  });

  it.each([
    { name: 'eleven months', values: kwh.slice(1) },
    { name: 'a zero', values: [0, ...kwh.slice(1)] },
    { name: 'a negative', values: [-1, ...kwh.slice(1)] },
    { name: 'NaN', values: [Number.NaN, ...kwh.slice(1)] },
    { name: 'Infinity', values: [Number.POSITIVE_INFINITY, ...kwh.slice(1)] },
  ])('throws on a model answer with $name', ({ values }) => {
    expect(() => householdPredictionOf(values)).toThrow(/expected 12 finite kWh values > 0/);
  });
});
