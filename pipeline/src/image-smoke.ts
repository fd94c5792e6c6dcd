/**
 * The image's smoke test: the Lambda Runtime Interface Emulator in the built image answers a real Function URL
 * event for POST /predict. The RIE takes the event as the body of POST /2015-03-31/functions/function/invocations
 * and answers the handler's result as it is (for a Function URL: {statusCode, headers, body}), or
 * {errorType, errorMessage} when the handler throws (AWS docs, "Testing Lambda container images locally").
 * The event is the captured Function URL envelope every Lambda test uses (test/fixtures/lambda-events), with
 * this request's method, path and body.
 *
 * Pure apart from `postUntilAnswered`, which takes its clock, sleep and HTTP post as arguments.
 */
import { z } from 'zod';
import { lambdaEvent } from '../../service/src/testing/lambda-events.ts';
import type { SmokeResult } from './smoke-result.ts';

/** The README's example household: every field the validator knows, so a schema regression shows. */
export const SMOKE_REQUEST = {
  area: 'tokyo',
  householdSize: 3,
  housing: 'apartment',
  allElectric: false,
  knownUsage: { month: 8, kwh: 420 },
} as const;

export function smokeEvent(): Record<string, unknown> {
  return lambdaEvent('function-url-post', {
    method: 'POST',
    path: '/predict',
    contentType: 'application/json',
    body: JSON.stringify(SMOKE_REQUEST),
  });
}

export type SmokeVerdict = Pick<SmokeResult, 'ok' | 'statusCode' | 'detail'>;

const handlerResultSchema = z.object({ statusCode: z.number().int(), body: z.string().optional() });
const handlerErrorSchema = z.object({ errorType: z.string().optional(), errorMessage: z.string() });
const predictionSchema = z.object({
  modelVersion: z.string(),
  monthly: z.array(z.object({ month: z.number(), kwh: z.number() })).length(12),
  annualKwh: z.number(),
});

const excerpt = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

/** Judges the RIE's answer: an HTTP 200 from the RIE carrying a handler result of 200 with a prediction. */
export function judgeSmokeAnswer(rieStatus: number, rieBody: string): SmokeVerdict {
  if (rieStatus !== 200) {
    return {
      ok: false,
      statusCode: null,
      detail: `the emulator answered HTTP ${rieStatus}: ${excerpt(rieBody)}`,
    };
  }
  let answer: unknown;
  try {
    answer = JSON.parse(rieBody);
  } catch {
    return { ok: false, statusCode: null, detail: `the emulator's answer is not JSON: ${excerpt(rieBody)}` };
  }
  const thrown = handlerErrorSchema.safeParse(answer);
  if (thrown.success) {
    const { errorType = 'Error', errorMessage } = thrown.data;
    return {
      ok: false,
      statusCode: null,
      detail: `the handler threw ${errorType}: ${excerpt(errorMessage)}`,
    };
  }
  const result = handlerResultSchema.safeParse(answer);
  if (!result.success) {
    return { ok: false, statusCode: null, detail: `not a Function URL result: ${excerpt(rieBody)}` };
  }
  const { statusCode, body = '' } = result.data;
  if (statusCode !== 200) {
    return { ok: false, statusCode, detail: `POST /predict answered ${statusCode}: ${excerpt(body)}` };
  }
  let prediction: z.infer<typeof predictionSchema>;
  try {
    prediction = predictionSchema.parse(JSON.parse(body));
  } catch {
    return { ok: false, statusCode, detail: `200 without a twelve-month prediction: ${excerpt(body)}` };
  }
  return {
    ok: true,
    statusCode,
    detail: `12 months, ${Math.round(prediction.annualKwh)} kWh a year, model ${prediction.modelVersion}`,
  };
}

export interface SmokeIo {
  post(url: string, body: string): Promise<{ status: number; text: string }>;
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** While the container starts, the port refuses or drops connections; anything else is an answer or a bug. */
const STARTING_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']);
export const RETRY_INTERVAL_MS = 500;

function connectionCode(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** Posts the event until the emulator answers or `waitMs` has passed, then judges the answer. */
export async function postUntilAnswered(url: string, waitMs: number, io: SmokeIo): Promise<SmokeResult> {
  const started = io.now();
  const body = JSON.stringify(smokeEvent());
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      const answer = await io.post(url, body);
      return {
        url,
        attempts,
        elapsedMs: io.now() - started,
        ...judgeSmokeAnswer(answer.status, answer.text),
      };
    } catch (error) {
      const code = connectionCode(error);
      const elapsedMs = io.now() - started;
      if (code === undefined || !STARTING_CODES.has(code))
        throw new Error(`POST ${url} failed`, { cause: error });
      if (elapsedMs >= waitMs) {
        return {
          ok: false,
          url,
          attempts,
          elapsedMs,
          statusCode: null,
          detail: `no answer within ${Math.round(waitMs / 1000)} s (${code}): the container did not start or is not published on that port`,
        };
      }
      await io.sleep(RETRY_INTERVAL_MS);
    }
  }
}
