import { headerRecord } from './header-fields.ts';

/**
 * A Response for the Lambda path that keeps a text body as a string. A fetch Response wraps every body in a
 * web stream, and building and draining that stream costs more than the model run: ~85 µs of ~390 µs per
 * invocation, measured. Everything this app sends is text and the Lambda adapter reads only status, headers
 * (through headersOf, as a plain record) and text(), so those stay plain; anything else (body, clone(), json(),
 * a non-text body) goes to a real Response, made on first need. @hono/node-server does the same on the Node
 * server. The real Response class is looked up only then too: on Node the first use of a fetch class loads
 * undici, ~40 ms of a ~200 ms Lambda init (measured), which the Lambda path never needs.
 */

const TEXT_CONTENT_TYPE = 'text/plain;charset=UTF-8';

// Taken without reading it: Node defines the fetch globals as getters that load undici on first read.
const nativeResponseProperty = Object.getOwnPropertyDescriptor(globalThis, 'Response');
let nativeResponseClass: typeof Response | undefined;

/** fetch's own Response, loaded on first need even after installTextResponse replaced the global. */
function nativeResponse(): typeof Response {
  if (nativeResponseClass === undefined) {
    const installed = Object.getOwnPropertyDescriptor(globalThis, 'Response');
    const loaded = (nativeResponseProperty?.get?.call(globalThis) ?? nativeResponseProperty?.value) as
      | typeof Response
      | undefined;
    if (loaded === undefined) throw new Error('This runtime has no fetch Response.');
    // Node's getter redefines the global as the class it loaded; what was installed stays installed.
    if (installed !== undefined) Object.defineProperty(globalThis, 'Response', installed);
    Object.setPrototypeOf(TextResponse.prototype, loaded.prototype);
    nativeResponseClass = loaded;
  }
  return nativeResponseClass;
}

type HeadersInput = ResponseInit['headers'];

export class TextResponse {
  readonly #text: string | null = null;
  readonly #init: ResponseInit = {};
  #headers: Headers | undefined;
  #native: Response | undefined;
  #used = false;

  /** Once installed as the global Response, both kinds must pass `instanceof Response`. */
  static [Symbol.hasInstance](instance: unknown): boolean {
    return (
      Function.prototype[Symbol.hasInstance].call(TextResponse, instance) ||
      (typeof instance === 'object' && instance !== null && instance instanceof nativeResponse())
    );
  }

  /**
   * A response's headers as lower-case name → value, as Headers would report them. For a TextResponse made
   * from a plain record (all Hono and problemResponse ever pass) no Headers is built.
   */
  static headersOf(response: Response): Record<string, string> {
    if (#init in response && response.#headers === undefined) {
      const fields = plainFields(response.#init.headers);
      if (fields !== undefined) {
        const record = headerRecord(fields);
        if (response.#text !== null && record['content-type'] === undefined) {
          record['content-type'] = TEXT_CONTENT_TYPE;
        }
        return record;
      }
    }
    return Object.fromEntries(response.headers);
  }

  constructor(body?: ConstructorParameters<typeof Response>[0], init?: ResponseInit) {
    if (body != null && typeof body !== 'string') {
      const NativeResponse = nativeResponse();
      // biome-ignore lint/correctness/noConstructorReturn: a body that is not text gets a real Response.
      return new NativeResponse(body, init) as unknown as TextResponse;
    }
    this.#text = body ?? null;
    // A Response as init (Hono's HEAD answer) lends its status and headers; ours lends them without a Headers.
    this.#init =
      init != null && #init in init
        ? { status: init.status, statusText: init.statusText, headers: init.#headers ?? init.#init.headers }
        : (init ?? {});
  }

  get status(): number {
    return this.#init.status ?? 200;
  }

  get statusText(): string {
    return this.#init.statusText ?? '';
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get headers(): Headers {
    if (this.#headers === undefined) {
      this.#headers = new Headers(this.#init.headers);
      if (this.#text !== null && !this.#headers.has('content-type')) {
        this.#headers.set('content-type', TEXT_CONTENT_TYPE);
      }
    }
    return this.#headers;
  }

  get bodyUsed(): boolean {
    return this.#native?.bodyUsed ?? this.#used;
  }

  text(): Promise<string> {
    if (this.#native) return this.#native.text();
    if (this.#used) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.#used = true;
    return Promise.resolve(this.#text ?? '');
  }

  /** The real Response behind everything else; a body already read as text stays read. */
  #real(): Response {
    if (this.#native === undefined) {
      const NativeResponse = nativeResponse();
      this.#native = new NativeResponse(this.#text, {
        status: this.status,
        statusText: this.statusText,
        headers: this.headers,
      });
      if (this.#used) void this.#native.text();
    }
    return this.#native;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.#real().body;
  }
  get redirected(): boolean {
    return this.#real().redirected;
  }
  get type(): Response['type'] {
    return this.#real().type;
  }
  get url(): string {
    return this.#real().url;
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#real().arrayBuffer();
  }
  blob(): Promise<Blob> {
    return this.#real().blob();
  }
  formData(): Promise<FormData> {
    return this.#real().formData();
  }
  json(): Promise<unknown> {
    return this.#real().json();
  }
  clone(): Response {
    return this.#real().clone();
  }
}

/** The fields of a plain record or list of pairs; undefined for a Headers or anything else to ask Headers about. */
function plainFields(headers: HeadersInput): Iterable<readonly [string, string]> | undefined {
  if (headers === undefined) return [];
  if (Array.isArray(headers)) {
    return headers.every((pair) => pair.length === 2 && pair.every((part) => typeof part === 'string'))
      ? (headers as [string, string][])
      : undefined;
  }
  const prototype = Object.getPrototypeOf(headers);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const entries = Object.entries(headers as Record<string, unknown>);
  return entries.every(([, value]) => typeof value === 'string')
    ? (entries as [string, string][])
    : undefined;
}

/** Makes `new Response(...)` anywhere in this process (Hono's c.json among them) a TextResponse. */
export function installTextResponse(): void {
  globalThis.Response = TextResponse as unknown as typeof Response;
}
