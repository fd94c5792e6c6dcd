import { describe, expect, it } from 'vitest';
import { integerFlag, PORT_RANGE } from './daemon-settings.ts';

describe('integerFlag', () => {
  it('gives the fallback when the flag is absent and the number when it is a whole number in range', () => {
    expect(integerFlag(undefined, 'port', 0, PORT_RANGE)).toBe(0);
    expect(integerFlag('0', 'port', 8080, PORT_RANGE)).toBe(0);
    expect(integerFlag('65535', 'port', 0, PORT_RANGE)).toBe(65_535);
    expect(integerFlag('1000000', 'idle-timeout-ms', 600_000, { min: 1_000 })).toBe(1_000_000);
  });

  it.each([
    ['99999', 'port', PORT_RANGE, /--port 99999 is not an integer from 0 to 65535: give one, e.g. --port 0/],
    ['-1', 'port', PORT_RANGE, /--port -1 is not an integer from 0 to 65535/],
    ['80.5', 'port', PORT_RANGE, /--port 80\.5 is not/],
    ['', 'port', PORT_RANGE, /--port {2}is not/],
    ['0', 'max-concurrency', { min: 1 }, /--max-concurrency 0 is not an integer of at least 1/],
    ['eight', 'max-concurrency', { min: 1 }, /--max-concurrency eight is not an integer of at least 1/],
  ])('refuses %j for --%s, naming the flag, the value and what it takes', (value, flag, range, message) => {
    expect(() => integerFlag(value, flag, 0, range)).toThrow(message);
  });
});
