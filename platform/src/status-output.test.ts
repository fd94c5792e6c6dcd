import { describe, expect, it } from 'vitest';
import { statusLine } from './status-output.ts';

describe('statusLine', () => {
  it('rounds every millisecond figure to 0.01 ms, leaves other numbers, and ends with a newline', () => {
    const line = statusLine({
      live: { version: '1', weights: { 2: 0.123456 } },
      versions: {
        '1': { invocations: 3, p50Ms: 1.1436140000000705, p95Ms: 12.006, coldStarts: 0 },
        '2': { invocations: 0, p50Ms: null, p95Ms: null },
      },
      provisioned: { live: { requested: 2, initMs: [80.123, 79.999] } },
    });
    expect(line.endsWith('}\n')).toBe(true);
    expect(line.split('\n')).toHaveLength(2);
    expect(JSON.parse(line)).toEqual({
      live: { version: '1', weights: { 2: 0.123456 } },
      versions: {
        '1': { invocations: 3, p50Ms: 1.14, p95Ms: 12.01, coldStarts: 0 },
        '2': { invocations: 0, p50Ms: null, p95Ms: null },
      },
      provisioned: { live: { requested: 2, initMs: [80.12, 80] } },
    });
  });
});
