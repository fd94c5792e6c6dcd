import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../platform/src/port.ts';
import { recordedLiveVersion } from './alias-decision.ts';

type Step = [releaseId: string, type: 'alias-update' | 'finished', data: unknown];
const moved = (version: string, weights: Record<string, number> = {}) => ({ version, weights });
const finished = (outcome: string) => ({ outcome, reasons: [] });

function journal(steps: readonly Step[]): JournalEntry[] {
  return steps.map(([releaseId, type, data], index) => ({
    sequence: index + 1,
    at: '2026-11-29T03:00:00.000Z',
    releaseId,
    type,
    data,
  }));
}

describe('recordedLiveVersion', () => {
  it.each<{ name: string; steps: Step[]; expected: string | null }>([
    { name: 'an empty record', steps: [], expected: null },
    {
      name: 'a promotion: its candidate, on live alone',
      steps: [
        ['r1', 'alias-update', moved('6', { '7': 0.5 })],
        ['r1', 'alias-update', moved('7')],
        ['r1', 'finished', finished('promoted')],
      ],
      expected: '7',
    },
    {
      name: 'a roll back after it: the stable version again',
      steps: [
        ['r1', 'alias-update', moved('7')],
        ['r1', 'finished', finished('promoted')],
        ['r2', 'alias-update', moved('7', { '8': 0.1 })],
        ['r2', 'alias-update', moved('7')],
        ['r2', 'finished', finished('rolled-back')],
      ],
      expected: '7',
    },
    {
      name: 'a later release refused before it moved live: the move before stays in force',
      steps: [
        ['r1', 'alias-update', moved('7')],
        ['r1', 'finished', finished('promoted')],
        ['r2', 'finished', finished('refused')],
      ],
      expected: '7',
    },
    {
      name: "an unfinished release's recorded moves, which may not have happened",
      steps: [
        ['r1', 'alias-update', moved('7')],
        ['r1', 'finished', finished('promoted')],
        ['r2', 'alias-update', moved('7', { '8': 0.1 })],
        ['r2', 'alias-update', moved('8')],
      ],
      expected: '7',
    },
    {
      name: 'a finished release whose last recorded move left weights',
      steps: [
        ['r1', 'alias-update', moved('6', { '7': 0.1 })],
        ['r1', 'finished', finished('rolled-back')],
      ],
      expected: null,
    },
  ])('$name → $expected', ({ steps, expected }) => {
    expect(recordedLiveVersion(journal(steps))).toBe(expected);
  });
});
