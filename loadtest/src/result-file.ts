/** The file edge of the gate and the report: reading a result (or a raw k6 summary) from disk. */
import { readFile } from 'node:fs/promises';
import { parseK6Summary } from './k6-summary.ts';
import { type LoadTestResult, parseLoadTestResult, RESULT_SCHEMA_VERSION } from './result.ts';

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read result ${path}; pass the JSON file \`npm run loadtest\` wrote`, {
      cause: error,
    });
  }
}

/** A shiftgate result as written by `npm run loadtest`, or a raw k6 summary (either format), normalized. */
export async function readResultFile(path: string): Promise<LoadTestResult> {
  return normalized(await readJson(path), path);
}

/**
 * The base branch's result, or why it cannot be one: a result written by an older schema (the base branch ran
 * before this one's format changed) is skipped with the reason rather than failing the report; anything else
 * that is not a result is still an error.
 */
export async function readBaseResultFile(path: string): Promise<LoadTestResult | { none: string }> {
  const json = await readJson(path);
  const version =
    typeof json === 'object' && json !== null && 'schemaVersion' in json ? json.schemaVersion : null;
  if (typeof version === 'number' && version !== RESULT_SCHEMA_VERSION) {
    return {
      none: `the base branch's result is schema v${version} and this run's v${RESULT_SCHEMA_VERSION}, so they are not compared; the next run on the base branch writes v${RESULT_SCHEMA_VERSION}`,
    };
  }
  return normalized(json, path);
}

function normalized(json: unknown, path: string): LoadTestResult {
  const isResult = typeof json === 'object' && json !== null && 'schemaVersion' in json;
  if (isResult) return parseLoadTestResult(json, path);
  return parseK6Summary(json, {
    scenario: 'k6-summary',
    target: 'unknown',
    system: { kind: 'unknown' },
    gitSha: null,
    targetRatePerSecond: null,
  });
}
