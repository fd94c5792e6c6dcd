/**
 * A Request for the Lambda path that holds only what routing and the app read: method, url and headers.
 * Building a fetch Request also builds an AbortSignal and validates everything again, ~25 µs of a ~270 µs
 * invocation (measured), for parts this app never touches. Anything else (signal, clone(), a body method) goes
 * to a real Request, made on first need from the same three parts. @hono/node-server does the same on the
 * Node server. The body is never attached: the Lambda adapter hands the app the event's bytes directly.
 */

const NativeRequest = globalThis.Request;

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
  return PASSED_THROUGH_METHODS.has(method) ? method : new NativeRequest(url, { method }).method;
}

export class LambdaRequest {
  readonly method: string;
  readonly url: string;
  /** Built at once, so a header value fetch refuses throws here, before the app sees the request. */
  readonly headers: Headers;
  #native: Request | undefined;

  /** Throws a TypeError, as fetch's Request would, for a method or header value fetch cannot carry. */
  constructor(url: string, method: string, headers: [string, string][]) {
    this.url = url;
    this.method = normalizedMethod(method, url);
    this.headers = new Headers(headers);
  }

  /** The real Request behind everything but method, url and headers. */
  native(): Request {
    this.#native ??= new NativeRequest(this.url, { method: this.method, headers: this.headers });
    return this.#native;
  }
}

Object.setPrototypeOf(LambdaRequest.prototype, NativeRequest.prototype);

const OWN_MEMBERS: ReadonlySet<PropertyKey> = new Set(['constructor', 'method', 'url', 'headers']);

// Every other member of Request, present and future, answers from the real Request.
for (const key of Reflect.ownKeys(NativeRequest.prototype)) {
  if (OWN_MEMBERS.has(key) || key === Symbol.toStringTag) continue;
  const descriptor = Object.getOwnPropertyDescriptor(NativeRequest.prototype, key);
  if (descriptor === undefined) continue;
  if (typeof descriptor.value === 'function') {
    const method = descriptor.value as (...args: unknown[]) => unknown;
    Object.defineProperty(LambdaRequest.prototype, key, {
      value(this: LambdaRequest, ...args: unknown[]) {
        return method.apply(this.native(), args);
      },
    });
  } else if (descriptor.get !== undefined) {
    const getter = descriptor.get;
    Object.defineProperty(LambdaRequest.prototype, key, {
      get(this: LambdaRequest) {
        return getter.call(this.native());
      },
    });
  }
}
