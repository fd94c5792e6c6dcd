import { parseArgs } from 'node:util';
import type { Household } from '../client.ts';

export const PREDICT_USAGE =
  "usage: npm run predict -- --url URL [--iam] '<household JSON>' | '[<household JSON>, ...]'";

/** How `npm run predict` ends: the answer, the service refused the request, or the retries gave up. */
export const PREDICT_EXIT = { answered: 0, usage: 1, refused: 2, gaveUp: 3 } as const;

export interface PredictArgs {
  url: string;
  /** Sign with SigV4 for an AWS_IAM Function URL, credentials from the default chain. */
  iam: boolean;
  /** One household asks predict(); an array asks predictBatch(). */
  request: { kind: 'single'; household: Household } | { kind: 'batch'; households: Household[] };
}

/** The command line as data; the service validates the households themselves and answers 400 with every field. */
export function parsePredictArgs(argv: readonly string[]): PredictArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { url: { type: 'string' }, iam: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (values.url === undefined) throw new Error('--url is missing: give the service base URL');
  if (positionals.length !== 1) {
    throw new Error(
      `expected one JSON argument (a household or an array of them), got ${positionals.length}`,
    );
  }
  const text = positionals[0] ?? '';
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new Error(`the request "${text}" is not JSON: quote it for the shell`, { cause: error });
  }
  if (typeof body !== 'object' || body === null) {
    throw new Error(
      `the request ${text} is not a JSON object or array: give a household or an array of them`,
    );
  }
  const request = Array.isArray(body)
    ? { kind: 'batch' as const, households: body as Household[] }
    : { kind: 'single' as const, household: body as Household };
  return { url: values.url, iam: values.iam, request };
}
