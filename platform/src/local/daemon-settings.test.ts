import { describe, expect, it } from 'vitest';
import { DAEMON_DEFAULTS, integerFlag, metricPeriodFlag, PORT_RANGE } from './daemon-settings.ts';

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

describe('metricPeriodFlag', () => {
  it("takes CloudWatch's minute when absent, and any integer from 100 ms that divides the minute", () => {
    expect(metricPeriodFlag(undefined)).toBe(DAEMON_DEFAULTS.metricPeriodMs);
    expect(DAEMON_DEFAULTS.metricPeriodMs).toBe(60_000);
    for (const period of ['100', '1000', '1500', '5000', '60000'])
      expect(metricPeriodFlag(period)).toBe(Number(period));
  });

  it.each([
    ['99', /--metric-period-ms 99 is not an integer from 100 to 60000/],
    ['60001', /--metric-period-ms 60001 is not an integer from 100 to 60000/],
    ['1e3', /--metric-period-ms 1e3 is not an integer/],
    ['7000', /--metric-period-ms 7000 does not divide 60000 \(CloudWatch's minute\): give one that does/],
  ])('refuses %j, naming the flag, the value and what it takes', (value, message) => {
    expect(() => metricPeriodFlag(value)).toThrow(message);
  });
});
