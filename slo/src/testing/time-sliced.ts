/**
 * The time-sliced option of the shipped SLOs, for tests: each latency SLO judged on the percentile of every
 * 5-minute slice (p95 and p50), 99% of slices good; availability unchanged. Validated, so a fixture that drifts
 * from what the definition allows fails here rather than as a puzzling test result.
 */
import { SLO_DEFINITION, type SloDefinition } from '../definition.ts';
import { validateDefinition } from '../validate.ts';

export function timeSliced(): SloDefinition {
  const definition = structuredClone(SLO_DEFINITION);
  for (const slo of definition.objectives) {
    if (slo.indicator.kind !== 'latency') continue;
    slo.indicator.percentile = slo.target * 100;
    slo.budgetingMethod = 'Timeslices';
    slo.target = 0.99;
    slo.timeSliceWindow = '5m';
  }
  return validateDefinition(definition);
}
