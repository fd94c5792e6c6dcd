/**
 * The drift check's I/O: each canary-corpus body POSTed to a version's /predict, one after another, and the answer
 * kept as it came (status and parsed body), or the transport failure that stood in for it. Comparing the answers
 * is drift.ts's job; this only asks.
 */
import { describeError } from '../../common/errors.ts';
import { predictUrl } from '../../loadtest/src/k6-contract.ts';
import { REQUEST_TIMEOUT_SECONDS } from '../../loadtest/src/scenarios.ts';
import type { RequestSigner } from '../../loadtest/src/sigv4.ts';
import type { Answer } from './drift.ts';

export interface AskOptions {
  /** Signs each request for an AWS_IAM Function URL. */
  readonly sign?: RequestSigner;
  /** The fetch to use; the global one by default. */
  readonly fetch?: typeof fetch;
}

async function askOne(url: URL, body: string, options: AskOptions): Promise<Answer> {
  const headers = { 'content-type': 'application/json' };
  try {
    const signed = options.sign ? await options.sign({ url, headers, body }) : headers;
    const response = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: signed,
      body,
      // The load test's own deadline: a version slower than that would fail the SLOs anyway.
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_SECONDS * 1_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: kept as text, which drift.ts reads as no predictions.
    }
    return { status: response.status, body: parsed };
  } catch (error) {
    return { error: describeError(error) };
  }
}

/** The answers of `base`'s /predict to each body, in order. */
export async function askVersion(
  base: string,
  bodies: readonly string[],
  options: AskOptions = {},
): Promise<Answer[]> {
  const url = new URL(predictUrl(base));
  const answers: Answer[] = [];
  // One at a time: a handful of requests, and a version with one warm environment must not queue them.
  for (const body of bodies) answers.push(await askOne(url, body, options));
  return answers;
}
