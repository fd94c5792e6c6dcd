/**
 * Whether the report's numbers can be trusted: `slo:report` must never say OK because it read nothing. Pure.
 *
 * - No invocations (nor throttles) of the alias in the whole window: almost always the wrong region, function
 *   or alias, and in any case nothing to judge.
 * - Lambda invoked the alias but the app published no Latency value for this stage and alias: if (nearly) every
 *   invocation failed (Lambda Errors) or every request was throttled, a total outage, which the message says;
 *   otherwise the wrong --stage, or a service that does not emit its metrics. The SLOs would read "no data".
 * - The app counted more requests than Lambda invoked, beyond APP_EXCESS_TOLERANCE: every app request is an
 *   invocation of the alias, so more means another stage's or alias's metrics are mixed in (or counted twice).
 *   Lambda's Invocations alone: a throttled request is no invocation and the app never answers it.
 *   The opposite direction cannot be checked: Lambda also counts /health and /openapi.json invocations and
 *   crashes, which rightly publish no Latency value, so fewer app requests than invocations is normal.
 * - An SLO with nothing measured in the window while the checks above pass: a latency SLO when the app answered
 *   POST /predict with no 2xx at all (only 4xx or 5xx: invalid request bodies, a broken model). Its row reads
 *   "no data", which must not pass as OK.
 */
import type { ServiceLevelObjective, SloDefinition } from './definition.ts';
import type { ReportInput, ReportScope, Series } from './report.ts';

/**
 * 1%: the two sources stamp the same request a little differently (EMF at the response, Lambda at the
 * invocation's start), so a request near either edge of the window can fall inside one and outside the other;
 * those are the requests of a few minutes out of 28 days, far below 1%. A second stage or alias mixed in adds
 * as much again as its own traffic, far above it.
 */
export const APP_EXCESS_TOLERANCE = 0.01;

/**
 * 1%: in a total crash outage Lambda's Errors equal its Invocations (both Lambda's, counted per invocation); the
 * slack keeps the verdict for the odd invocation that did not crash, such as a /health probe that needs no model.
 */
export const ALL_FAILED_TOLERANCE = 0.01;

/**
 * What kind of problem it is, stable from run to run: the messages carry live counts, so whoever must tell "the
 * same problem again" from "a new problem" (the SLO watch's issue) compares kinds, never messages. An SLO that
 * measured nothing is one kind per SLO.
 */
export const WHOLE_WINDOW_PROBLEMS = [
  'no-invocations',
  'all-throttled',
  'all-failed',
  'no-app-metrics',
  'app-exceeds-lambda',
] as const;
export const UNMEASURED_SLO_PREFIX = 'unmeasured-slo:';
export type DataProblemKind =
  | (typeof WHOLE_WINDOW_PROBLEMS)[number]
  | `${typeof UNMEASURED_SLO_PREFIX}${string}`;

export interface DataProblem {
  kind: DataProblemKind;
  /** For a person: names the cause and the fix, with the counts. */
  message: string;
}

/** `unmeasured`: the SLOs with no measured period in the window. */
export function dataProblems(
  definition: SloDefinition,
  input: ReportInput,
  scope: ReportScope,
  unmeasured: readonly ServiceLevelObjective[],
): DataProblem[] {
  const where = describeAlias(scope);
  const invocations = total(input.invocations);
  const throttles = total(input.availability.throttles);
  if (invocations + throttles === 0) {
    return [
      {
        kind: 'no-invocations',
        message:
          `Lambda recorded no invocation of ${where} in the ${definition.timeWindow.duration} window: check ` +
          '--region, --function-name and --alias (is traffic going through that alias?)',
      },
    ];
  }
  const appRequests =
    total(input.successes) + total(input.clientErrors) + total(input.availability.serverErrors);
  const appMetric =
    `${definition.metrics.namespace}/${definition.metrics.latencyMetric} with ` +
    `${definition.metrics.stageDimension}=${scope.stage}, ${definition.metrics.aliasDimension}=${scope.aliasName}`;
  if (appRequests === 0) {
    const outage = totalOutage(definition, input, scope, { invocations, throttles });
    if (outage !== undefined) return [outage];
    return [
      {
        kind: 'no-app-metrics',
        message:
          `Lambda counted ${invocations} invocations of ${where} but the app published no ${appMetric}: check ` +
          '--stage, and that the deployed service emits its metrics (the SLOs cannot be measured)',
      },
    ];
  }
  if (appRequests > invocations * (1 + APP_EXCESS_TOLERANCE)) {
    return [
      {
        kind: 'app-exceeds-lambda',
        message:
          `The app counted ${appRequests} requests (${appMetric}) but Lambda only ${invocations} invocations of ` +
          `${where}, more than ${APP_EXCESS_TOLERANCE * 100}% apart: metrics of another stage or alias are ` +
          'mixed in; check the Stage and Alias dimensions the service publishes',
      },
    ];
  }
  return unmeasured.map((slo) => unmeasuredProblem(definition, slo, appMetric));
}

/** The problem when Lambda failed (nearly) every invocation, or throttled every request; else undefined. */
function totalOutage(
  definition: SloDefinition,
  input: ReportInput,
  scope: ReportScope,
  { invocations, throttles }: { invocations: number; throttles: number },
): DataProblem | undefined {
  const where = describeAlias(scope);
  const window = `in the ${definition.timeWindow.duration} window`;
  if (invocations === 0) {
    return {
      kind: 'all-throttled',
      message:
        `Lambda throttled every request to ${where} (Throttles = ${throttles}, Invocations = 0 ${window}), so ` +
        'the app answered none: raise the reserved or provisioned concurrency, or the account concurrency quota',
    };
  }
  const errors = total(input.availability.errors);
  if (errors < invocations * (1 - ALL_FAILED_TOLERANCE)) return undefined;
  return {
    kind: 'all-failed',
    message:
      `Every invocation of ${where} failed (Lambda Errors = ${errors} of ${invocations} invocations ${window}), ` +
      'so the app answered none: the function crashes or times out; read its logs ' +
      `(CloudWatch Logs /aws/lambda/${scope.functionName}) and roll back to a version that worked`,
  };
}

function unmeasuredProblem(
  definition: SloDefinition,
  slo: ServiceLevelObjective,
  appMetric: string,
): DataProblem {
  const window = definition.timeWindow.duration;
  const kind = `${UNMEASURED_SLO_PREFIX}${slo.name}` as const;
  if (slo.indicator.kind === 'latency') {
    return {
      kind,
      message:
        `SLO '${slo.name}' has no measured ${slo.budgetingMethod === 'Occurrences' ? 'request' : 'slice'} in ` +
        `the ${window} window: the app answered POST /predict with no ${slo.indicator.statusClass} ` +
        `(${appMetric}), only 4xx or 5xx; check the requests clients send (invalid bodies are 4xx) and the ` +
        'service logs',
    };
  }
  return {
    kind,
    message:
      `SLO '${slo.name}' has no measured request in the ${window} window although the app published ` +
      `${appMetric}: check the SLI definition in slo/src/definition.ts`,
  };
}

function describeAlias(scope: ReportScope): string {
  return `${scope.functionName}:${scope.aliasName} in ${scope.region}`;
}

function total(series: Series): number {
  let sum = 0;
  for (const value of series.values()) sum += value;
  return sum;
}
