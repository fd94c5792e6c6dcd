import { describe, expect, it } from 'vitest';
import { categoricalGrid, enforceDomainFacts, findDomainViolations } from './domain-checks.ts';
import { handBuiltModel, SEASONAL_WEIGHTS } from './testing-models.ts';

const AUGUST = 7;

describe('categoricalGrid', () => {
  it('enumerates every area × size × housing × fuel × month once', () => {
    const grid = [...categoricalGrid()];
    expect(grid).toHaveLength(10 * 10 * 2 * 2 * 12);
    expect(new Set(grid.map((household) => JSON.stringify(household))).size).toBe(grid.length);
  });
});

describe('findDomainViolations', () => {
  it('finds none in a model that respects every fact', () => {
    expect(findDomainViolations(handBuiltModel(SEASONAL_WEIGHTS))).toEqual([]);
  });

  it('reports every Hokkaido and Okinawa kind when the seasons are flat', () => {
    const messages = findDomainViolations(handBuiltModel({})).map((violation) => violation.message);
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^hokkaido\/1p\/apartment\/mixed-fuel\/known month 1 .*month 1 not above month 8/,
      ),
    );
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^okinawa\/10p\/detached\/all-electric\/known month 12 .*month 8 not above month 1/,
      ),
    );
    expect(messages.some((message) => message.startsWith('tokyo'))).toBe(false);
  });

  it('reports a month whose prediction falls as the known bill rises', () => {
    const model = handBuiltModel({
      ...SEASONAL_WEIGHTS,
      'area=kansai*residualLnKwh': (known, month) => (known === 0 && month === 5 ? -1.5 : 0),
    });
    const messages = findDomainViolations(model).map((violation) => violation.message);
    expect(messages).toContain(
      'kansai/3p/detached/mixed-fuel/known month 1: month 6 elasticity -0.500 below 0.02',
    );
    expect(messages.every((message) => message.startsWith('kansai/'))).toBe(true);
  });
});

describe('enforceDomainFacts', () => {
  it('narrows only the failing end of the failing kind until the fact holds', () => {
    // All-electric Okinawa's August lead shrinks as the bill rises: 0.3 − 0.9 × residual is < 0 at the +0.5 clamp.
    const model = handBuiltModel({
      ...SEASONAL_WEIGHTS,
      'area=okinawa*allElectric': (_known, month) => (month === AUGUST ? -0.2 : 0),
      'area=okinawa*allElectric*residualLnKwh': (_known, month) => (month === AUGUST ? -0.9 : 0),
    });
    expect(findDomainViolations(model).every((violation) => violation.side === 'max')).toBe(true);

    const repaired = enforceDomainFacts(model);

    expect(findDomainViolations(repaired)).toEqual([]);
    expect(repaired.scaling.residualBounds.okinawa.allElectric.max).toBeLessThan(0.3 / 0.9);
    expect(repaired.scaling.residualBounds.okinawa.allElectric.min).toBe(-0.5);
    expect(repaired.scaling.residualBounds.okinawa.mixedFuel).toEqual({ min: -0.5, max: 0.5 });
    expect(repaired.scaling.residualBounds.hokkaido).toEqual(model.scaling.residualBounds.hokkaido);
    expect(repaired.weights).toBe(model.weights);
  });

  it('gives up, quoting the facts, when they fail even at the typical bill', () => {
    expect(() => enforceDomainFacts(handBuiltModel({}))).toThrow(
      /trained model breaks \d+ domain facts even near typical bills, e\.g\.:\n {2}hokkaido\//,
    );
  });
});
