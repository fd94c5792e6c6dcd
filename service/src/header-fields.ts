/**
 * HTTP header fields checked and normalised as fetch's Headers does, for the Lambda path, which never builds a
 * Headers: on Node the first use of any fetch class loads undici, ~40 ms of a ~200 ms Lambda init (measured),
 * to hold a few strings. Names must be RFC 9110 tokens and are lower-cased; values lose surrounding whitespace
 * and may not hold NUL, CR or LF; a repeated name joins its values with ", ". Bad input throws the TypeError
 * fetch would.
 */

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const SURROUNDING_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const FORBIDDEN_IN_VALUE = /[\0\r\n]/;

export function headerName(name: string): string {
  if (!TOKEN.test(name)) throw new TypeError(`Header name "${name}" is not a valid HTTP token.`);
  return name.toLowerCase();
}

export function headerValue(name: string, value: string): string {
  const trimmed = value.replace(SURROUNDING_WHITESPACE, '');
  if (FORBIDDEN_IN_VALUE.test(trimmed)) {
    throw new TypeError(`Header "${name}" has a value with a NUL, CR or LF character.`);
  }
  return trimmed;
}

/** Name → value, names lower-cased and repeats joined, as Headers.get would answer for each name. */
export function headerRecord(fields: Iterable<readonly [string, string]>): Record<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of fields) {
    const key = headerName(name);
    const normalised = headerValue(name, value);
    const previous = values.get(key);
    values.set(key, previous === undefined ? normalised : `${previous}, ${normalised}`);
  }
  // fromEntries defines own properties, so a header named __proto__ is just a header; unlike a prototype-less
  // object, the result stays a fast-mode object.
  return Object.fromEntries(values);
}
