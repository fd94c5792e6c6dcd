import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../platform/src/port.ts';
import {
  isFirstDeploy,
  isFunctionReplacement,
  isRollbackUpdate,
  recordedLiveVersion,
  refuseMissingUrl,
} from './alias-decision.ts';

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

describe('isRollbackUpdate', () => {
  const fn = (functionName: string, deployedVersion: string) => ({ functionName, deployedVersion });
  it.each([
    {
      name: 'a deploy publishing 10 after 9',
      current: fn('F', '10'),
      previous: fn('F', '9'),
      expected: false,
    },
    {
      name: "the roll back of 10's deploy (back to 9's)",
      current: fn('F', '9'),
      previous: fn('F', '10'),
      expected: true,
    },
    {
      name: 'numbers, not strings: 10 back to 9 vs 9 to 10',
      current: fn('F', '10'),
      previous: fn('F', '9'),
      expected: false,
    },
    {
      name: 'the same version (another property changed)',
      current: fn('F', '9'),
      previous: fn('F', '9'),
      expected: false,
    },
    {
      name: 'another function (a replacement)',
      current: fn('G', '1'),
      previous: fn('F', '9'),
      expected: false,
    },
  ])('$name → $expected', ({ current, previous, expected }) => {
    expect(isRollbackUpdate(current, previous)).toBe(expected);
  });
});

describe('isFunctionReplacement', () => {
  const fn = (functionName: string, deployedVersion: string) => ({ functionName, deployedVersion });
  it.each([
    {
      name: 'a deploy on the same function',
      current: fn('F', '10'),
      previous: fn('F', '9'),
      expected: false,
    },
    {
      name: 'a replacement (a new function, its version 1)',
      current: fn('G', '1'),
      previous: fn('F', '9'),
      expected: true,
    },
    { name: "a replacement's roll back", current: fn('F', '9'), previous: fn('G', '1'), expected: true },
  ])('$name → $expected', ({ current, previous, expected }) => {
    expect(isFunctionReplacement(current, previous)).toBe(expected);
  });
});

describe('isFirstDeploy', () => {
  it.each([
    { name: 'version 1, no entries', version: '1', steps: [], expected: true },
    { name: 'a later version: versions were published before', version: '9', steps: [], expected: false },
    {
      name: 'version 1 with a record of releases',
      version: '1',
      steps: [['r1', 'finished', finished('refused')]] as Step[],
      expected: false,
    },
  ])('$name → $expected', ({ version, steps, expected }) => {
    expect(isFirstDeploy(version, journal(steps))).toBe(expected);
  });
});

describe('refuseMissingUrl', () => {
  it('gives pretraffic an AWS_IAM URL whose new address the release reads itself, and leaves scaling out', () => {
    const reason = refuseMissingUrl({
      functionName: 'F',
      aliasName: 'pretraffic',
      version: '9',
      recreated: true,
    });
    expect(reason).toContain(
      'alias pretraffic of F was missing and is recreated at version 9, but has no Function URL',
    );
    expect(reason).toContain('a release cannot test its candidate alone');
    expect(reason).toContain('--qualifier pretraffic --auth-type AWS_IAM.');
    expect(reason).toContain('the release reads it itself, the stack output PretrafficUrl keeps the old one');
    expect(reason).not.toContain('provisioned');
  });
});
