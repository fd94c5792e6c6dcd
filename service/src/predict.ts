import { type Household, MONTHS_PER_YEAR } from '../../model/src/domain.ts';
import { type FieldError, fieldErrorsOf, type Problem, problem } from './problem.ts';
import { batchRequest, type HouseholdPrediction, householdRequest } from './schema.ts';

/** The pure core of POST /predict: what a parsed body asks for, and how the model's numbers are reported. */

export type PredictCommand =
  | { ok: true; kind: 'single'; households: [Household] }
  | { ok: true; kind: 'batch'; households: Household[] }
  | { ok: false; problem: Problem };

function invalid(errors: FieldError[]): PredictCommand {
  const detail = `The body does not match the request schema (${errors.length} error${errors.length === 1 ? '' : 's'}); fix the listed fields.`;
  return { ok: false, problem: problem(400, detail, errors) };
}

/** A body with an `instances` key is a batch; any other body must be one household. */
export function predictCommandOf(body: unknown): PredictCommand {
  const isBatch = typeof body === 'object' && body !== null && !Array.isArray(body) && 'instances' in body;
  if (isBatch) {
    const parsed = batchRequest.safeParse(body);
    if (!parsed.success) return invalid(fieldErrorsOf(parsed.error.issues));
    return { ok: true, kind: 'batch', households: parsed.data.instances };
  }
  const parsed = householdRequest.safeParse(body);
  if (!parsed.success) return invalid(fieldErrorsOf(parsed.error.issues));
  return { ok: true, kind: 'single', households: [parsed.data] };
}

/** float32 carries ~7 significant digits; 6 keep all of them while dropping the noise of widening to double. */
const SIGNIFICANT_DIGITS = 6;

function roundKwh(kwh: number, digits = SIGNIFICANT_DIGITS): number {
  return Number(kwh.toPrecision(digits));
}

/**
 * Reports one household's 12 monthly kWh. A model answer that breaks the contract (not 12 values, or one not
 * finite and > 0) is a server fault, so it throws rather than reaching a client.
 */
export function householdPredictionOf(kwhByMonth: readonly number[]): HouseholdPrediction {
  if (kwhByMonth.length !== MONTHS_PER_YEAR || !kwhByMonth.every((kwh) => Number.isFinite(kwh) && kwh > 0)) {
    throw new Error(
      `The model answered [${kwhByMonth.join(', ')}]; expected ${MONTHS_PER_YEAR} finite kWh values > 0.`,
    );
  }
  const monthly = kwhByMonth.map((kwh, index) => ({ month: index + 1, kwh: roundKwh(kwh) }));
  // Two more digits keep the total's rounding far inside the contract's ±0.5 kWh even at 12 × the kWh limit.
  const annualKwh = roundKwh(
    monthly.reduce((sum, { kwh }) => sum + kwh, 0),
    SIGNIFICANT_DIGITS + 2,
  );
  return { unit: 'kWh', monthly, annualKwh };
}
