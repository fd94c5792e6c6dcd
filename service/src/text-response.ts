/**
 * A Response for the Lambda path that keeps a text body as a string. A fetch Response wraps every body in a
 * web stream, and building and draining that stream costs more than the model run: ~85 µs of ~390 µs per
 * invocation, measured. Everything this app sends is text and the Lambda adapter reads only status, headers
 * and text(), so those stay plain; anything else (body, clone(), json(), a non-text body) goes to a real
 * Response, made on first need. @hono/node-server does the same on the Node server.
 */

const NativeResponse = globalThis.Response;

const TEXT_CONTENT_TYPE = 'text/plain;charset=UTF-8';

export class TextResponse {
  readonly #text: string | null = null;
  readonly #init: ResponseInit = {};
  #headers: Headers | undefined;
  #native: Response | undefined;
  #used = false;

  /** Once installed as the global Response, both kinds must pass `instanceof Response`. */
  static [Symbol.hasInstance](instance: unknown): boolean {
    return (
      instance instanceof NativeResponse ||
      Function.prototype[Symbol.hasInstance].call(TextResponse, instance)
    );
  }

  constructor(body?: ConstructorParameters<typeof Response>[0], init?: ResponseInit) {
    if (body != null && typeof body !== 'string') {
      // biome-ignore lint/correctness/noConstructorReturn: a body that is not text gets a real Response.
      return new NativeResponse(body, init) as unknown as TextResponse;
    }
    this.#text = body ?? null;
    this.#init =
      init instanceof NativeResponse
        ? { status: init.status, statusText: init.statusText, headers: init.headers }
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

Object.setPrototypeOf(TextResponse.prototype, NativeResponse.prototype);

/** Makes `new Response(...)` anywhere in this process (Hono's c.json among them) a TextResponse. */
export function installTextResponse(): void {
  globalThis.Response = TextResponse as unknown as typeof Response;
}
