import { z } from 'zod';
import { AREAS, DEFAULTS, HOUSING_KINDS, LIMITS, MONTHS_PER_YEAR } from '../../model/src/domain.ts';
import { HTTP_LIMITS } from './limits.ts';

/**
 * The request and response shapes of the API, built from the domain's limits. The validator parses requests
 * with these, the tests parse responses with these, and the OpenAPI document is generated from these.
 */

/**
 * The contract says kWh > 0, but below the smallest normal double (2^-1022) a seasonal ratio times the bill
 * underflows towards 0 and the months stop being comparable. No bill is that small, so such a number is refused
 * as unusable rather than answered wrongly; everything a meter could print is accepted.
 */
export const SMALLEST_USABLE_KWH = 2 ** -1022;

const knownUsage = z
  .strictObject({
    month: z.int().min(LIMITS.month.min).max(LIMITS.month.max).describe('Month of the bill, 1 = January.'),
    kwh: z
      .number()
      .min(SMALLEST_USABLE_KWH, 'Too small: expected a kWh > 0')
      .max(LIMITS.maxKwh)
      .describe('kWh on that month’s bill.'),
  })
  .describe('One monthly electricity bill the household already knows.');

export const householdRequest = z.strictObject({
  area: z.enum(AREAS).describe('Power-transmission area the household is in.'),
  householdSize: z.int().min(LIMITS.householdSize.min).max(LIMITS.householdSize.max),
  housing: z.enum(HOUSING_KINDS).default(DEFAULTS.housing),
  allElectric: z.boolean().default(DEFAULTS.allElectric).describe('Whether the home has no gas supply.'),
  knownUsage,
});

export const batchRequest = z.strictObject({
  instances: z.array(householdRequest).min(1).max(HTTP_LIMITS.maxBatchInstances),
});

/** For the OpenAPI document: a body is one household or a batch of them. */
export const predictRequest = z.union([householdRequest, batchRequest]);

const monthlyKwh = z.strictObject({
  month: z.int().min(1).max(MONTHS_PER_YEAR),
  kwh: z.number().positive(),
});

export const householdPrediction = z.strictObject({
  unit: z.literal('kWh'),
  monthly: z.array(monthlyKwh).length(MONTHS_PER_YEAR).describe('Months 1..12 in order.'),
  annualKwh: z.number().positive().describe('Sum of the monthly kWh.'),
});

const modelVersion = z.string().min(1).describe('Content hash of the model artifact that answered.');

export const predictResponse = householdPrediction.extend({ modelVersion });

export const batchResponse = z.strictObject({ modelVersion, predictions: z.array(householdPrediction) });

export const healthResponse = z.strictObject({ status: z.literal('ok'), modelVersion });

export const problemResponse = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  errors: z.array(
    z.strictObject({
      path: z.string().describe('JSON Pointer (RFC 6901) to the offending value; "" is the whole body.'),
      message: z.string(),
    }),
  ),
});

export type HouseholdRequest = z.output<typeof householdRequest>;
export type HouseholdPrediction = z.output<typeof householdPrediction>;
export type PredictResponse = z.output<typeof predictResponse>;
export type BatchResponse = z.output<typeof batchResponse>;
