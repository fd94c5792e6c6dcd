import { describe, expect, it } from 'vitest';
import { LiveAlias } from './live-alias.ts';

/** live on version 1 with no weights, as the first published version creates it. */
function onVersionOne(): LiveAlias {
  const live = new LiveAlias();
  live.update({ version: '1', weights: {} }, false);
  return live;
}

describe('LiveAlias', () => {
  it('moves at once while live has no PC, at a new revision each time', () => {
    const live = onVersionOne();
    const first = live.current;
    live.update({ version: '2', weights: {} }, false);
    expect(live.current).toMatchObject({ name: 'live', version: '2', weights: {} });
    expect(live.current?.revisionId).not.toBe(first?.revisionId);
    expect(live.allocation()).toEqual({ alias: live.current, retained: null });
    expect(live.handingOverFrom).toBeNull();
  });

  it('shifts weights on the same primary at once, PC or not', () => {
    const live = onVersionOne();
    live.update({ version: '1', weights: { 2: 0.1 } }, true);
    expect(live.current).toMatchObject({ version: '1', weights: { 2: 0.1 } });
    expect(live.handingOverFrom).toBeNull();
  });

  it("hands a new primary live's PC as Lambda does: {old: 1} meanwhile, allocated for the new one, then cleared", () => {
    const live = onVersionOne();
    live.update({ version: '2', weights: {} }, true);
    const moving = live.current;
    expect(moving).toMatchObject({ version: '2', weights: { 1: 1 } });
    expect(live.handingOverFrom).toBe('1');
    expect(live.allocation()).toMatchObject({ alias: { version: '2', weights: {} }, retained: '1' });

    live.finishHandover();
    expect(live.current).toMatchObject({ version: '2', weights: {} });
    expect(live.current?.revisionId).not.toBe(moving?.revisionId);
    expect(live.allocation()).toEqual({ alias: live.current, retained: null });
    expect(live.handingOverFrom).toBeNull();
  });

  it('ends a handover at once on an update back to the version still serving', () => {
    const live = onVersionOne();
    live.update({ version: '2', weights: {} }, true);
    live.update({ version: '1', weights: {} }, true);
    expect(live.current).toMatchObject({ version: '1', weights: {} });
    expect(live.handingOverFrom).toBeNull();
  });

  it('retargets a handover to another new primary, still serving on the old one', () => {
    const live = onVersionOne();
    live.update({ version: '2', weights: {} }, true);
    live.update({ version: '3', weights: {} }, true);
    expect(live.current).toMatchObject({ version: '3', weights: { 1: 1 } });
    expect(live.allocation()).toMatchObject({ alias: { version: '3' }, retained: '1' });
  });

  it('has nothing to finish when no handover is under way', () => {
    const live = onVersionOne();
    const before = live.current;
    live.finishHandover();
    expect(live.current).toBe(before);
  });
});
