/**
 * How `status` prints the platform's report: one JSON object on one line, ending with a newline, with every
 * millisecond figure (a key ending in `Ms`) rounded to 0.01 ms. The daemon keeps full precision; a reader of
 * the report gains nothing from `1.1436140000000705`.
 */

const roundedToHundredths = (ms: number) => Math.round(ms * 100) / 100;

function rounded(value: unknown, key: string): unknown {
  if (typeof value === 'number') return key.endsWith('Ms') ? roundedToHundredths(value) : value;
  if (Array.isArray(value)) return value.map((item) => rounded(item, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v, k)]));
  }
  return value;
}

/** The line `status` prints for `status`. */
export function statusLine(status: unknown): string {
  return `${JSON.stringify(rounded(status, ''))}\n`;
}
