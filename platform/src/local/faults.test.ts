import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../model/src/random.ts';
import { binomialTolerance, withinBinomialTolerance } from '../testing/binomial.ts';
import {
  describeFaults,
  type FaultPlan,
  InvalidFaultError,
  initFails,
  invocationFault,
  parseFaults,
} from './faults.ts';

describe('parseFaults', () => {
  it('reads each fault, with and without @live', () => {
    expect(parseFaults(['slow=100ms'])).toEqual({ slowMs: { ms: 100, liveOnly: false } });
    expect(parseFaults(['errors=5%@live'])).toEqual({ errorRate: { rate: 0.05, liveOnly: true } });
    expect(parseFaults(['crash-after=10'])).toEqual({ crashAfter: { invocations: 10, liveOnly: false } });
    expect(parseFaults(['init-fail@live'])).toEqual({ initFail: { liveOnly: true } });
    expect(parseFaults(['crash-after=0'])).toEqual({ crashAfter: { invocations: 0, liveOnly: false } });
    expect(parseFaults(['slow=2.5ms', 'errors=100%'])).toEqual({
      slowMs: { ms: 2.5, liveOnly: false },
      errorRate: { rate: 1, liveOnly: false },
    });
  });

  it('takes several faults in one spec, separated by commas, and several specs', () => {
    expect(parseFaults(['slow=100ms@live, errors=5%', 'init-fail'])).toEqual({
      slowMs: { ms: 100, liveOnly: true },
      errorRate: { rate: 0.05, liveOnly: false },
      initFail: { liveOnly: false },
    });
  });

  it('is no fault at all for no specs', () => {
    expect(parseFaults([])).toEqual({});
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['slow=100ms,', /empty fault between commas/],
    ['slow=100', /no known fault/],
    ['slow=100s', /no known fault/],
    ['slow=0ms', /above 0 ms/],
    ['slow=-5ms', /no known fault/],
    ['errors=5', /no known fault/],
    ['errors=0%', /\(0, 100\]/],
    ['errors=101%', /\(0, 100\]/],
    ['crash-after=1.5', /no known fault/],
    ['crash-after=', /no known fault/],
    ['crash-after=99999999999999999999', /whole number/],
    ['init-fail=1', /no known fault/],
    ['init-fail@prod', /no known fault/],
    ['@live', /no known fault/],
    ['SLOW=100ms', /no known fault/],
    ['slow=1ms,slow=2ms', /slowMs is already set/],
  ])('refuses %j, naming the spec and the valid forms', (spec, reason) => {
    let error: unknown;
    try {
      parseFaults([spec]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidFaultError);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).toContain('valid forms: slow=<ms>ms, errors=<percent>%');
  });

  it('refuses a fault set twice across specs', () => {
    expect(() => parseFaults(['init-fail', 'init-fail@live'])).toThrow(/initFail is already set/);
  });
});

describe('describeFaults', () => {
  it('names the faults as --inject does', () => {
    expect(describeFaults(parseFaults(['errors=5%', 'slow=100ms@live']))).toBe('slow=100ms@live, errors=5%');
    expect(describeFaults({})).toBe('');
  });

  it('round-trips through parseFaults', () => {
    const flag = fc.boolean();
    const plan: fc.Arbitrary<FaultPlan> = fc.record(
      {
        slowMs: fc.record({ ms: fc.integer({ min: 1, max: 10_000 }), liveOnly: flag }),
        errorRate: fc.record({
          rate: fc.integer({ min: 1, max: 1000 }).map((tenths) => tenths / 1000),
          liveOnly: flag,
        }),
        crashAfter: fc.record({ invocations: fc.nat(1000), liveOnly: flag }),
        initFail: fc.record({ liveOnly: flag }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(plan, (faults) => {
        const described = describeFaults(faults);
        expect(described === '' ? {} : parseFaults([described])).toEqual(faults);
      }),
    );
  });
});

describe('initFails', () => {
  it('fails every start for init-fail, only starts for live for init-fail@live', () => {
    expect(initFails(parseFaults(['init-fail']), 'version')).toBe(true);
    expect(initFails(parseFaults(['init-fail']), 'live')).toBe(true);
    expect(initFails(parseFaults(['init-fail@live']), 'version')).toBe(false);
    expect(initFails(parseFaults(['init-fail@live']), 'live')).toBe(true);
    expect(initFails(parseFaults(['slow=5ms']), 'live')).toBe(false);
  });
});

describe('invocationFault', () => {
  const none = { delayMs: 0, fail: false, crash: false };
  const call = (viaLive: boolean, invocationNumber = 1, random = 0.5) => ({
    viaLive,
    invocationNumber,
    random,
  });

  it('does nothing without faults', () => {
    expect(invocationFault({}, call(true, 1, 0))).toEqual(none);
  });

  it('slows every invocation by the given delay', () => {
    expect(invocationFault(parseFaults(['slow=100ms']), call(false))).toEqual({ ...none, delayMs: 100 });
    expect(invocationFault(parseFaults(['slow=100ms']), call(true))).toEqual({ ...none, delayMs: 100 });
  });

  it('errors=5% fails about 5 % of 20,000 seeded invocations, within binomial tolerance', () => {
    const plan = parseFaults(['errors=5%']);
    const random = createRandom(5);
    const n = 20_000;
    let failed = 0;
    for (let i = 1; i <= n; i++) {
      if (invocationFault(plan, { viaLive: i % 2 === 0, invocationNumber: i, random: random.uniform() }).fail)
        failed++;
    }
    expect(withinBinomialTolerance(failed, n, 0.05), `${failed} ± ${binomialTolerance(n, 0.05)}`).toBe(true);
  });

  it('errors fail exactly below the rate', () => {
    const plan = parseFaults(['errors=5%']);
    expect(invocationFault(plan, call(false, 1, 0.0499)).fail).toBe(true);
    expect(invocationFault(plan, call(false, 1, 0.05)).fail).toBe(false);
    expect(invocationFault(parseFaults(['errors=100%']), call(false, 1, 0.999)).fail).toBe(true);
  });

  it.each([0, 1, 3, 10])('crash-after=%i crashes exactly on invocation N + 1', (n) => {
    const plan = parseFaults([`crash-after=${n}`]);
    const crashes = Array.from({ length: n + 1 }, (_, i) => invocationFault(plan, call(false, i + 1)).crash);
    expect(crashes.indexOf(true)).toBe(n);
    expect(crashes.filter(Boolean)).toHaveLength(1);
  });

  it('crash-after=N@live crashes the first invocation through live after the first N', () => {
    const plan = parseFaults(['crash-after=2@live']);
    expect(invocationFault(plan, call(false, 3)).crash).toBe(false);
    expect(invocationFault(plan, call(true, 2)).crash).toBe(false);
    expect(invocationFault(plan, call(true, 4)).crash).toBe(true);
  });

  it('@live faults never touch an invocation of the version qualifier, whatever the number or draw', () => {
    const plan = parseFaults(['slow=100ms@live, errors=100%@live, crash-after=0@live, init-fail@live']);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (invocationNumber, random) => {
          expect(invocationFault(plan, { viaLive: false, invocationNumber, random })).toEqual(none);
          expect(invocationFault(plan, { viaLive: true, invocationNumber, random })).toEqual({
            delayMs: 100,
            fail: true,
            crash: true,
          });
        },
      ),
    );
    expect(initFails(plan, 'version')).toBe(false);
  });
});
