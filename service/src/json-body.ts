import { describeError } from '../../common/errors.ts';
import { type Problem, problem } from './problem.ts';

/**
 * Turns a request into a parsed JSON value or the problem that says why not: media type (415), size (413),
 * encoding and syntax (400). The size cap holds whatever the Content-Length header claims, because a Lambda
 * event's header is only as honest as the caller that built it.
 */

export type JsonBody = { ok: true; value: unknown } | { ok: false; problem: Problem };

/** `application/json`, optionally with `charset=utf-8` (RFC 8259 makes UTF-8 the only JSON encoding). */
export function jsonMediaTypeProblem(contentType: string | undefined): Problem | undefined {
  const fix = 'send the body as JSON with Content-Type: application/json';
  if (contentType === undefined || contentType.trim() === '') {
    return problem(415, `The request has no Content-Type; ${fix}.`);
  }
  const [essence = '', ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (essence !== 'application/json') {
    return problem(415, `Content-Type "${contentType}" is not supported; ${fix}.`);
  }
  for (const parameter of parameters) {
    const [name, rawValue = ''] = parameter.split('=').map((part) => part.trim());
    const value = rawValue.replace(/^"(.*)"$/, '$1');
    if (name === 'charset' && value !== 'utf-8' && value !== 'utf8') {
      return problem(
        415,
        `charset "${value}" is not supported; JSON is UTF-8, so send charset=utf-8 or none.`,
      );
    }
  }
  return undefined;
}

function tooLarge(maxBytes: number): Problem {
  return problem(413, `The body is larger than ${maxBytes} bytes; send fewer instances per request.`);
}

/** Reads at most maxBytes + 1 bytes, so an oversized body is refused without being buffered whole. */
async function readCapped(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function parseJsonBytes(bytes: Uint8Array): JsonBody {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return {
      ok: false,
      problem: problem(400, 'The body is not valid UTF-8; encode the JSON as UTF-8.', [
        { path: '', message: 'invalid UTF-8 byte sequence' },
      ]),
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = describeError(error);
    return {
      ok: false,
      problem: problem(400, 'The body is not valid JSON; check its syntax.', [{ path: '', message }]),
    };
  }
}

/**
 * With a Content-Length and no Transfer-Encoding, HTTP framing bounds the body, so it is read in one go (the
 * Node adapter's fast path, with no web stream); otherwise it is streamed and cut off at the cap. Either way
 * the bytes actually read are checked against the cap too. A body the runtime already buffered (a Lambda
 * event's) is only measured.
 */
export async function readJsonBody(
  request: Request,
  maxBytes: number,
  buffered?: Uint8Array,
): Promise<JsonBody> {
  const mediaTypeProblem = jsonMediaTypeProblem(request.headers.get('content-type') ?? undefined);
  if (mediaTypeProblem) return { ok: false, problem: mediaTypeProblem };
  if (buffered !== undefined) {
    return buffered.byteLength > maxBytes
      ? { ok: false, problem: tooLarge(maxBytes) }
      : parseJsonBytes(buffered);
  }
  const declaredLength = request.headers.get('content-length');
  if (Number(declaredLength) > maxBytes) return { ok: false, problem: tooLarge(maxBytes) };
  const framed = declaredLength !== null && !request.headers.has('transfer-encoding');
  let bytes: Uint8Array | undefined;
  try {
    bytes = framed
      ? new Uint8Array(await request.arrayBuffer())
      : request.body
        ? await readCapped(request.body, maxBytes)
        : new Uint8Array();
  } catch (error) {
    // The client went away or broke the framing mid-body: its fault, so a 4xx, never a logged server error.
    const message = describeError(error);
    return {
      ok: false,
      problem: problem(400, 'The body could not be read to its end; send it again, complete.', [
        { path: '', message },
      ]),
    };
  }
  if (bytes === undefined || bytes.byteLength > maxBytes) return { ok: false, problem: tooLarge(maxBytes) };
  return parseJsonBytes(bytes);
}
