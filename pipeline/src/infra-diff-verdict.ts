/**
 * The verdict infra:diff writes into its Markdown and the pull-request comment reads back: its own module so the
 * pr-report action's bundle does not take @aws-cdk/cloudformation-diff along to read one line.
 */

export type InfraDiffVerdict = 'unchanged' | 'changed' | 'dangerous';
const INFRA_DIFF_VERDICTS: readonly InfraDiffVerdict[] = ['unchanged', 'changed', 'dangerous'];

/**
 * The Markdown's first line: a hidden marker with the verdict, so the pull-request comment can judge the file
 * `infra:diff` wrote without reading its prose.
 */
export const verdictMarker = (verdict: InfraDiffVerdict) =>
  `<!-- shiftgate-infra-diff verdict=${verdict} -->`;

/** The verdict renderInfraDiff wrote into `markdown`; null when it carries none (not written by infra:diff). */
export function infraDiffVerdictOf(markdown: string): InfraDiffVerdict | null {
  const written = /^<!-- shiftgate-infra-diff verdict=(\w+) -->/.exec(markdown)?.[1];
  return INFRA_DIFF_VERDICTS.find((verdict) => verdict === written) ?? null;
}
