import { AREAS, type Area, HOUSING_KINDS, type Household, LIMITS, MONTHS_PER_YEAR } from './domain.ts';
import { expectedLnKwh, type FeatureScaling, residualBoundsOf } from './features.ts';
import { type LogRatioModel, predictLogRatios } from './log-ratio-model.ts';

/**
 * Facts every prediction must respect, checked EXHAUSTIVELY before an artifact is written. The categorical inputs
 * span only 10 areas × 10 sizes × 2 housing × 2 fuels × 12 months, and the model's log-ratios are linear in the
 * clamped residual ln(kWh) between its knots and constant beyond the clamp, so checking every combination at the
 * clamp ends and the knots proves a fact for every valid input, not just a sample.
 */

export interface SeasonalFact {
  area: Area;
  /** 1-based months: predicted `higher` must exceed predicted `lower`. */
  higher: number;
  lower: number;
}

export const SEASONAL_FACTS: readonly SeasonalFact[] = [
  { area: 'hokkaido', higher: 1, lower: 8 },
  { area: 'okinawa', higher: 8, lower: 1 },
];

/** Margins that survive the float32 arithmetic of the exported graph (~1e-6 relative) with room to spare. */
const MIN_LOG_GAP = 1e-3;
/** d ln(predicted) / d ln(known) must stay at least this, so more kWh in is never fewer out. */
const MIN_ELASTICITY = 0.02;

export interface DomainViolation {
  household: Household;
  /** Which end of the household's residual clamp range the violation touches. */
  side: 'min' | 'max' | 'interior';
  message: string;
}

export function findDomainViolations(model: LogRatioModel): DomainViolation[] {
  // Check what ships: the weights as the float32 initializer holds them.
  const shipped: LogRatioModel = { ...model, weights: Float64Array.from(model.weights, Math.fround) };
  const violations: DomainViolation[] = [];
  for (const household of categoricalGrid()) {
    const { min, max } = residualBoundsOf(household, model.scaling);
    const breakpoints = [min, ...model.scaling.residualKnots.filter((knot) => knot > min && knot < max), max];
    const typical = expectedLnKwh(household, model.scaling);
    const curve = breakpoints.map((residual) =>
      predictLogRatios(shipped, {
        ...household,
        knownUsage: { ...household.knownUsage, kwh: Math.exp(typical + residual) },
      }),
    );
    const last = breakpoints.length - 1;
    const sideOf = (first: number, second: number) =>
      first === 0 ? 'min' : second === last ? 'max' : ('interior' as const);
    const label = describe(household);
    for (const fact of SEASONAL_FACTS.filter((candidate) => candidate.area === household.area)) {
      curve.forEach((logRatios, point) => {
        const gap = (logRatios[fact.higher - 1] ?? 0) - (logRatios[fact.lower - 1] ?? 0);
        if (gap < MIN_LOG_GAP) {
          const at = breakpoints[point]?.toFixed(2);
          violations.push({
            household,
            side: sideOf(point, point),
            message: `${label} at residual ln kWh ${at}: month ${fact.higher} not above month ${fact.lower}`,
          });
        }
      });
    }
    for (let point = 1; point <= last; point++) {
      const step = (breakpoints[point] ?? 0) - (breakpoints[point - 1] ?? 0);
      for (let month = 0; month < MONTHS_PER_YEAR; month++) {
        const elasticity = 1 + ((curve[point]?.[month] ?? 0) - (curve[point - 1]?.[month] ?? 0)) / step;
        if (elasticity < MIN_ELASTICITY) {
          violations.push({
            household,
            side: sideOf(point - 1, point),
            message: `${label}: month ${month + 1} elasticity ${elasticity.toFixed(3)} below ${MIN_ELASTICITY}`,
          });
        }
      }
    }
  }
  return violations;
}

/** Each repair step keeps this share of a failing clamp range; the loop gives up when a range is this narrow. */
const NARROWING = 0.8;
const MAX_NARROWING_STEPS = 15;

/**
 * Where a fact fails at the edge of a kind's residual range, the data there are too sparse to trust: narrow that
 * kind's clamp range (towards the typical bill) until every fact holds. Beyond the range predictions scale
 * proportionally, which respects every fact that the typical bill does. Returns the repaired model, or throws
 * naming what still fails.
 */
export function enforceDomainFacts(model: LogRatioModel): LogRatioModel {
  let repaired = model;
  for (let step = 0; step <= MAX_NARROWING_STEPS; step++) {
    const violations = findDomainViolations(repaired);
    if (violations.length === 0) return repaired;
    repaired = { ...repaired, scaling: narrowBounds(repaired.scaling, violations) };
  }
  const remaining = findDomainViolations(repaired);
  throw new Error(
    `trained model breaks ${remaining.length} domain facts even near typical bills, e.g.:\n  ` +
      remaining
        .slice(0, 5)
        .map((violation) => violation.message)
        .join('\n  '),
  );
}

function narrowBounds(scaling: FeatureScaling, violations: readonly DomainViolation[]): FeatureScaling {
  const residualBounds = structuredClone(scaling.residualBounds) as FeatureScaling['residualBounds'];
  const narrowed = new Set<string>();
  for (const { household, side } of violations) {
    const key = `${household.area}/${household.allElectric}/${side}`;
    if (narrowed.has(key)) continue;
    narrowed.add(key);
    const bounds = residualBounds[household.area][household.allElectric ? 'allElectric' : 'mixedFuel'];
    if (side !== 'max') bounds.min *= NARROWING;
    if (side !== 'min') bounds.max *= NARROWING;
  }
  return { ...scaling, residualBounds };
}

/** Every combination of the categorical inputs, with a placeholder kWh. */
export function* categoricalGrid(): Generator<Household> {
  for (const area of AREAS) {
    for (
      let householdSize = LIMITS.householdSize.min;
      householdSize <= LIMITS.householdSize.max;
      householdSize++
    ) {
      for (const housing of HOUSING_KINDS) {
        for (const allElectric of [false, true]) {
          for (let month = 1; month <= MONTHS_PER_YEAR; month++) {
            yield { area, householdSize, housing, allElectric, knownUsage: { month, kwh: 1 } };
          }
        }
      }
    }
  }
}

function describe(household: Household): string {
  const { area, householdSize, housing, allElectric, knownUsage } = household;
  const fuel = allElectric ? 'all-electric' : 'mixed-fuel';
  return `${area}/${householdSize}p/${housing}/${fuel}/known month ${knownUsage.month}`;
}
