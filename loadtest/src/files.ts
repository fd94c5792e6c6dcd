/** File edges: atomic JSON/markdown writes and reading a result (or a raw k6 summary) from disk. */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseK6Summary } from './k6-summary.ts';
import { type LoadTestResult, parseLoadTestResult } from './result.ts';

/** Writes beside the target and renames over it, so a reader never sees half a file. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** A shiftgate result as written by `npm run loadtest`, or a raw k6 summary (either format), normalized. */
export async function readResultFile(path: string): Promise<LoadTestResult> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read result ${path}: ${error instanceof Error ? error.message : String(error)}`, {
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
