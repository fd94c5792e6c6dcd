/**
 * Prediction drift, pure: the canary corpus's answers from the stable version and the candidate, compared number
 * by number. A release that does not declare a model change must answer as stable does, within a tolerance.
 */
import { batchResponse, predictResponse } from '../../service/src/schema.ts';
import type { DriftReport, DriftRow } from './model.ts';

/** One version's answer to one body: its status and parsed body, or the transport failure instead. */
export type Answer = { readonly status: number; readonly body: unknown } | { readonly error: string };

/** Divides the difference: a relative drift stays finite when stable predicted 0 (the contract says > 0). */
const TINY = 1e-9;
/** Rows the report's table shows unless the caller asks for another number. */
const DEFAULT_WORST_ROWS = 10;

/**
 * The predicted numbers of a /predict answer (service/src/schema.ts), in order: per household its 12 monthly kWh
 * then its annual kWh; a batch's households one after another. null for anything else.
 */
export function predictionsOf(body: unknown): number[] | null {
  const households = (() => {
    const single = predictResponse.safeParse(body);
    if (single.success) return [single.data];
    const batch = batchResponse.safeParse(body);
    return batch.success ? batch.data.predictions : null;
  })();
  if (households === null) return null;
  return households.flatMap((household) => [
    ...household.monthly.map((month) => month.kwh),
    household.annualKwh,
  ]);
}

function answeredNumbers(answer: Answer): number[] | null {
  if ('error' in answer || answer.status < 200 || answer.status > 299) return null;
  return predictionsOf(answer.body);
}

/**
 * max |c − s| / max(|s|, tiny); answers of different lengths are not the same answer and are said to be so (a
 * mismatch), rather than given an infinite drift that JSON would turn into null, as if unanswered.
 */
function compareNumbers(
  stable: readonly number[],
  candidate: readonly number[],
): Pick<DriftRow, 'relativeDrift' | 'mismatch'> {
  if (stable.length !== candidate.length) {
    return {
      relativeDrift: null,
      mismatch: `answer lengths differ: stable gave ${stable.length} numbers, the candidate ${candidate.length}`,
    };
  }
  const relativeDrift = stable.reduce(
    (worst, s, i) => Math.max(worst, Math.abs((candidate[i] as number) - s) / Math.max(Math.abs(s), TINY)),
    0,
  );
  return { relativeDrift, mismatch: null };
}

const unanswered = (row: DriftRow) => row.stable === null || row.candidate === null;
const beyond = (row: DriftRow, tolerance: number) =>
  row.mismatch !== null || (row.relativeDrift !== null && row.relativeDrift > tolerance);

/**
 * The drift table's order: rows beyond tolerance (mismatches, then the largest drift first), then bodies a version
 * did not answer, then the rest (largest first), so what failed the check is always on the table.
 */
function worstFirst(tolerance: number): (a: DriftRow, b: DriftRow) => number {
  const rank = (row: DriftRow) => (beyond(row, tolerance) ? 0 : unanswered(row) ? 1 : 2);
  const size = (row: DriftRow) =>
    row.mismatch !== null ? Number.POSITIVE_INFINITY : (row.relativeDrift ?? 0);
  const larger = (a: DriftRow, b: DriftRow) => (size(a) === size(b) ? 0 : size(a) > size(b) ? -1 : 1);
  return (a, b) => rank(a) - rank(b) || larger(a, b) || a.index - b.index;
}

/**
 * Compares each body's answers. The check passes when both versions answered every body and nothing drifted
 * beyond tolerance, or when it drifted and the release declared a model change; an unanswered body fails it
 * either way (a model change explains different numbers, not missing ones), and so does comparing nothing.
 */
export function compareAnswers(input: {
  readonly answers: readonly {
    readonly index: number;
    readonly stable: Answer;
    readonly candidate: Answer;
  }[];
  readonly tolerance: number;
  readonly modelChange: boolean;
  readonly worstRows?: number;
}): DriftReport {
  const { tolerance, modelChange } = input;
  const rows: DriftRow[] = input.answers.map(({ index, stable, candidate }) => {
    const s = answeredNumbers(stable);
    const c = answeredNumbers(candidate);
    const compared =
      s === null || c === null ? { relativeDrift: null, mismatch: null } : compareNumbers(s, c);
    return { index, stable: s, candidate: c, ...compared };
  });
  const drifts = rows.flatMap((row) => (row.relativeDrift === null ? [] : [row.relativeDrift]));
  const unansweredRows = rows.filter(unanswered).length;
  const beyondTolerance = rows.filter((row) => beyond(row, tolerance)).length;
  const withinTolerance = rows.length > 0 && unansweredRows === 0 && beyondTolerance === 0;
  return {
    compared: rows.length,
    unanswered: unansweredRows,
    tolerance,
    maxRelativeDrift: drifts.length === 0 ? null : Math.max(...drifts),
    beyondTolerance,
    worst: [...rows].sort(worstFirst(tolerance)).slice(0, input.worstRows ?? DEFAULT_WORST_ROWS),
    withinTolerance,
    modelChange,
    passed: withinTolerance || (modelChange && rows.length > 0 && unansweredRows === 0),
  };
}
