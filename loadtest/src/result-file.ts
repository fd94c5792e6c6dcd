/** The file edge of the gate and the report: reading a result (or a raw k6 summary) from disk. */
import { readFile } from 'node:fs/promises';
import { parseK6Summary } from './k6-summary.ts';
import { type LoadTestResult, parseLoadTestResult } from './result.ts';

/** A shiftgate result as written by `npm run loadtest`, or a raw k6 summary (either format), normalized. */
export async function readResultFile(path: string): Promise<LoadTestResult> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read result ${path}; pass the JSON file \`npm run loadtest\` wrote`, {
      cause: error,
    });
  }
  const isResult = typeof json === 'object' && json !== null && 'schemaVersion' in json;
  if (isResult) return parseLoadTestResult(json, path);
  return parseK6Summary(json, {
    scenario: 'k6-summary',
    target: 'unknown',
    gitSha: null,
    targetRatePerSecond: null,
  });
}
