import { headerName, headerValue } from './header-fields.ts';

/**
 * A Request for the Lambda path that holds only what routing and the app read: method, url and headers.
 * Building a fetch Request also builds an AbortSignal and validates everything again (~25 µs of a ~270 µs
 * invocation, measured), and on Node the first fetch class used loads undici (~40 ms of a ~200 ms init). So the
 * headers are a small map checked as fetch checks them, and anything else (signal, clone(), a body method) goes
 * to a real Request made on first need from the same parts. @hono/node-server does the same on the Node server.
 * The body is never attached: the Lambda adapter hands the app the event's bytes directly. Unlike a real
 * Request it does not pass `instanceof Request`; nothing on the Lambda path asks.
 */

// Fetch passes these through unchanged; any other spelling goes through a real Request once, so that it is
// upper-cased or refused (CONNECT, TRACE, not a token) exactly as fetch would.
const PASSED_THROUGH_METHODS: ReadonlySet<string> = new Set([
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
]);

/** Throws fetch's TypeError for a method a Request refuses. */
function normalizedMethod(method: string, url: string): string {
  return PASSED_THROUGH_METHODS.has(method) ? method : new Request(url, { method }).method;
}

/** Request headers with the read and write methods of fetch's Headers; iteration is sorted by name, as there. */
export class LambdaHeaders {
  readonly #values = new Map<string, string>();

  constructor(fields: Iterable<readonly [string, string]> = []) {
    for (const [name, value] of fields) this.append(name, value);
  }

  append(name: string, value: string): void {
    const key = headerName(name);
    const normalised = headerValue(name, value);
    const previous = this.#values.get(key);
    this.#values.set(key, previous === undefined ? normalised : `${previous}, ${normalised}`);
  }

  set(name: string, value: string): void {
    this.#values.set(headerName(name), headerValue(name, value));
  }

  delete(name: string): void {
    this.#values.delete(headerName(name));
  }

  get(name: string): string | null {
    return this.#values.get(headerName(name)) ?? null;
  }

  has(name: string): boolean {
    return this.#values.has(headerName(name));
  }

  /** A request carries no Set-Cookie worth splitting; the joined value is the one entry, if any. */
  getSetCookie(): string[] {
    const value = this.#values.get('set-cookie');
    return value === undefined ? [] : [value];
  }

  forEach(callback: (value: string, name: string, headers: LambdaHeaders) => void, thisArg?: unknown): void {
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this);
  }

  *entries(): IterableIterator<[string, string]> {
    yield* [...this.#values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'Headers';
  }
}

export class LambdaRequest {
  readonly method: string;
  readonly url: string;
  /** Checked at once, so a header fetch refuses throws here, before the app sees the request. */
  readonly headers: LambdaHeaders;
  #native: Request | undefined;

  /** Throws a TypeError, as fetch's Request would, for a method or header fetch cannot carry. */
  constructor(url: string, method: string, headers: Iterable<readonly [string, string]>) {
    this.url = url;
    this.method = normalizedMethod(method, url);
    this.headers = new LambdaHeaders(headers);
  }

  /** The real Request behind everything but method, url and headers. */
  native(): Request {
    this.#native ??= new Request(this.url, { method: this.method, headers: [...this.headers] });
    return this.#native;
  }
}

// The rest of Request, named rather than read off Request.prototype, which would load undici at import.
const DELEGATED_PROPERTIES = [
  'body',
  'bodyUsed',
  'cache',
  'credentials',
  'destination',
  'duplex',
  'integrity',
  'keepalive',
  'mode',
  'redirect',
  'referrer',
  'referrerPolicy',
  'signal',
] as const;
const DELEGATED_METHODS = ['arrayBuffer', 'blob', 'bytes', 'clone', 'formData', 'json', 'text'] as const;

for (const key of DELEGATED_PROPERTIES) {
  Object.defineProperty(LambdaRequest.prototype, key, {
    get(this: LambdaRequest) {
      return this.native()[key];
    },
  });
}
for (const key of DELEGATED_METHODS) {
  Object.defineProperty(LambdaRequest.prototype, key, {
    value(this: LambdaRequest) {
      // `bytes` is newer than Node 20's types; where the runtime lacks it, the real Request lacks it too.
      return (this.native() as unknown as Record<string, () => unknown>)[key]?.();
    },
  });
}
