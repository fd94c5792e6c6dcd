import { describe, expect, it, vi } from 'vitest';
import { ProvisionedConcurrencyConflictError } from '../port.ts';
import { Autoscaler, NoScalingTargetError } from './autoscaler.ts';

/** An autoscaler over a hand-set utilization and capacity; time moves only through sample() and evaluate(). */
function harness(initialCapacity: number | null = 2, capacityLimit = 8) {
  const state = {
    utilization: null as number | null,
    capacity: initialCapacity,
    capacityLimit,
    /** What Lambda would answer a put on `live` now; null when it takes it. */
    refusal: null as ProvisionedConcurrencyConflictError | null,
    sets: [] as number[],
    log: [] as string[],
  };
  const autoscaler = new Autoscaler({
    evaluationIntervalMs: 1_000,
    sampleIntervalMs: 100,
    utilization: () => state.utilization,
    capacity: () => state.capacity,
    capacityLimit: () => state.capacityLimit,
    setCapacity: (capacity) => {
      if (state.refusal !== null) throw state.refusal;
      state.capacity = capacity;
      state.sets.push(capacity);
    },
    log: (line) => state.log.push(line),
  });
  /** One evaluation period during which utilization reads `u` at every sample. */
  const period = (u: number) => {
    state.utilization = u;
    for (let i = 0; i < 10; i += 1) autoscaler.sample();
    autoscaler.evaluate();
  };
  return { autoscaler, state, period };
}

const settings = { minCapacity: 2, maxCapacity: 8, targetUtilization: 0.5 };

describe('Autoscaler', () => {
  it('scales provisioned concurrency out after one busy period and back in after three quiet ones', () => {
    const { autoscaler, state, period } = harness();
    autoscaler.register(settings);
    period(1);
    expect(state.capacity).toBe(4);
    period(0.2);
    period(0.2);
    expect(state.capacity).toBe(4);
    period(0.2);
    expect(state.capacity).toBe(2);
    expect(state.sets).toEqual([4, 2]);
  });

  it('caps a scale-out at what the concurrency limit leaves live, and says so', () => {
    const { autoscaler, state, period } = harness(2, 3);
    autoscaler.register(settings);
    period(1);
    expect(state.capacity).toBe(3);
    expect(state.log.filter((line) => line.includes('capped'))).toEqual([
      expect.stringMatching(/live 2 -> 4 capped at 3: .*leaves 3/),
    ]);
    // Nothing left: a busy period changes nothing, and says why once per period.
    period(1);
    expect(state.sets).toEqual([3]);
    expect(state.log.filter((line) => line.includes('capped'))).toHaveLength(2);
    // Room again (another qualifier's went): the next busy period scales out.
    state.capacityLimit = 8;
    period(1);
    expect(state.capacity).toBe(6);
  });

  it('skips a scale-out Lambda would refuse (live has weights), says so, and scales once it is allowed', () => {
    const { autoscaler, state, period } = harness();
    autoscaler.register(settings);
    state.refusal = new ProvisionedConcurrencyConflictError('live', 'Alias with weights can not be used');
    period(1);
    expect([state.capacity, state.sets]).toEqual([2, []]);
    expect(autoscaler.lastActivity()).toEqual({
      at: expect.any(String),
      from: 2,
      to: 4,
      status: 'Skipped',
      reason: 'provisioned concurrency on live refused: Alias with weights can not be used',
    });
    expect(state.log).toEqual([
      expect.stringMatching(
        /^autoscaler: skipped provisioned concurrency on live 2 -> 4 \(utilization 1\.00; .*refused: Alias with weights/,
      ),
    ]);
    // The weights are gone: the next busy period scales out, as a failed activity is tried again on AWS.
    state.refusal = null;
    period(1);
    expect(state.capacity).toBeGreaterThan(2);
    expect(autoscaler.lastActivity()).toMatchObject({ from: 2, status: 'Successful' });
  });

  it('averages the samples of a period: one busy instant in a quiet period does not scale out', () => {
    const { autoscaler, state } = harness();
    autoscaler.register(settings);
    state.utilization = 1;
    autoscaler.sample();
    state.utilization = 0;
    for (let i = 0; i < 9; i += 1) autoscaler.sample();
    autoscaler.evaluate();
    expect(state.capacity).toBe(2);
  });

  it('does nothing while suspended and resumes exactly the previous suspended state', () => {
    const { autoscaler, state, period } = harness();
    autoscaler.register(settings);
    const previous = autoscaler.suspend();
    expect(previous.suspendedState.dynamicScalingOutSuspended).toBe(false);
    expect(autoscaler.target()?.suspendedState).toEqual({
      dynamicScalingInSuspended: true,
      dynamicScalingOutSuspended: true,
      scheduledScalingSuspended: false,
    });
    period(1);
    expect(state.capacity).toBe(2);
    autoscaler.resume(previous);
    expect(autoscaler.target()).toEqual(previous);
    period(1);
    expect(state.capacity).toBe(4);
  });

  it('register brings capacity inside [min, max] at once', () => {
    const { autoscaler, state } = harness(1);
    const target = autoscaler.register(settings);
    expect(target).toMatchObject({
      qualifier: 'live',
      minCapacity: 2,
      maxCapacity: 8,
      targetUtilization: 0.5,
    });
    expect(state.capacity).toBe(2);
  });

  it('refuses to suspend or resume without a registered target', () => {
    const { autoscaler } = harness();
    expect(() => autoscaler.suspend()).toThrow(NoScalingTargetError);
    expect(() => autoscaler.suspend()).toThrow(/--pc N/);
  });

  it('runs on its own timers once started, and not after stop', () => {
    // Fake timers: two evaluations are two evaluation periods, however loaded the machine running the test is.
    vi.useFakeTimers();
    const { state } = harness();
    const timed = new Autoscaler({
      evaluationIntervalMs: 60,
      sampleIntervalMs: 10,
      utilization: () => 1,
      capacity: () => state.capacity,
      capacityLimit: () => 8,
      setCapacity: (capacity) => {
        state.capacity = capacity;
      },
      log: () => {},
    });
    try {
      timed.register(settings);
      timed.start();
      vi.advanceTimersByTime(59);
      expect(state.capacity).toBe(2);
      vi.advanceTimersByTime(1);
      const afterOne = state.capacity;
      expect(afterOne).toBeGreaterThan(2);
      vi.advanceTimersByTime(60);
      expect(state.capacity).toBe(8);
      timed.stop();
      state.capacity = 2;
      vi.advanceTimersByTime(600);
      expect(state.capacity).toBe(2);
    } finally {
      timed.stop();
      vi.useRealTimers();
    }
  });
});
