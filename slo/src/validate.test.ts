import { describe, expect, it } from 'vitest';
import { SLO_DEFINITION, type SloDefinition } from './definition.ts';
import { durationMinutes, formatMinutes } from './duration.ts';
import { definitionNotices, SloDefinitionError, validateDefinition } from './validate.ts';

/** A copy of the real definition with one edit applied, so each case proves one rule. */
function edited(edit: (definition: SloDefinition) => void): SloDefinition {
  const copy = structuredClone(SLO_DEFINITION);
  edit(copy);
  return copy;
}

function objectiveAt(definition: SloDefinition, index: number) {
  const slo = definition.objectives[index];
  if (slo === undefined) throw new Error(`fixture has no objectives[${index}]`);
  return slo;
}

function alertAt(definition: SloDefinition, index: number) {
  const alert = definition.burnRateAlerts[index];
  if (alert === undefined) throw new Error(`fixture has no burnRateAlerts[${index}]`);
  return alert;
}

function latency(definition: SloDefinition) {
  const slo = definition.objectives.find((o) => o.name === 'latency-p95');
  if (slo === undefined || slo.indicator.kind !== 'latency') throw new Error('fixture lost latency-p95');
  return { slo, indicator: slo.indicator };
}

/** latency-p95 switched to the time-sliced option: p95 of each 5-minute slice, 99% of slices. */
function timeSliced(definition: SloDefinition) {
  const { slo, indicator } = latency(definition);
  slo.budgetingMethod = 'Timeslices';
  slo.target = 0.99;
  slo.timeSliceWindow = '5m';
  indicator.percentile = 95;
  return { slo, indicator };
}

describe('validateDefinition', () => {
  it('accepts the shipped definition', () => {
    expect(validateDefinition(SLO_DEFINITION)).toBe(SLO_DEFINITION);
  });

  it.each<{ name: string; edit: (d: SloDefinition) => void; expectedError: string }>([
    {
      name: 'a window that is not a duration',
      edit: (d) => {
        d.timeWindow.duration = '4w' as never;
      },
      expectedError: "timeWindow.duration: Invalid duration '4w'",
    },
    {
      name: 'a target of 100% (no budget at all)',
      edit: (d) => {
        objectiveAt(d, 0).target = 1;
      },
      expectedError: "objectives[0] 'availability': target is 1; use a fraction between 0 and 1 exclusive",
    },
    {
      name: 'a target written as a percentage',
      edit: (d) => {
        objectiveAt(d, 0).target = 99.9;
      },
      expectedError: 'target is 99.9',
    },
    {
      name: 'a time-sliced percentile above 100',
      edit: (d) => {
        timeSliced(d).indicator.percentile = 120;
      },
      expectedError:
        "'latency-p95': indicator.percentile is 120; a Timeslices SLO needs one between 0 and 100",
    },
    {
      name: 'a time-sliced SLO without a percentile',
      edit: (d) => {
        timeSliced(d).indicator.percentile = undefined;
      },
      expectedError: 'indicator.percentile is undefined; a Timeslices SLO needs one',
    },
    {
      name: 'a percentile written on an Occurrences SLO (the target is its percentile)',
      edit: (d) => {
        latency(d).indicator.percentile = 95;
      },
      expectedError:
        'indicator.percentile is 95 on an Occurrences SLO, whose percentile is the target; remove it',
    },
    {
      name: 'a negative latency threshold',
      edit: (d) => {
        latency(d).indicator.thresholdMs = -5;
      },
      expectedError: 'indicator.thresholdMs is -5',
    },
    {
      name: 'availability written as time slices',
      edit: (d) => {
        objectiveAt(d, 0).budgetingMethod = 'Timeslices';
      },
      expectedError: 'availability counts requests: use Occurrences',
    },
    {
      name: 'a time slice that does not divide the window',
      edit: (d) => {
        timeSliced(d).slo.timeSliceWindow = '11m';
      },
      expectedError: 'timeSliceWindow 11m does not divide timeWindow evenly',
    },
    {
      name: 'duplicate SLO names',
      edit: (d) => {
        objectiveAt(d, 2).name = 'latency-p95';
      },
      expectedError: 'name is used twice',
    },
    {
      name: 'a short window longer than the long one',
      edit: (d) => {
        alertAt(d, 0).shortWindow = '2h';
      },
      expectedError: 'burnRateAlerts[0]: shortWindow 2h must be shorter than longWindow 1h',
    },
    {
      name: 'a long window beyond the SLO window',
      edit: (d) => {
        alertAt(d, 3).longWindow = '30d';
      },
      expectedError: 'longWindow 30d is longer than the SLO window',
    },
    {
      name: 'an SLO none of whose alerts can fire',
      edit: (d) => {
        d.burnRateAlerts = d.burnRateAlerts.slice(0, 3);
      },
      expectedError: "'latency-p50': none of burnRateAlerts can fire for it (target 0.5)",
    },
    {
      name: 'windows that are not whole slices',
      edit: (d) => {
        timeSliced(d);
        alertAt(d, 0).shortWindow = '3m';
      },
      expectedError: 'are not whole 5m slices',
    },
    {
      name: 'an empty published metric name',
      edit: (d) => {
        d.published.burnRateMetric = ' ';
      },
      expectedError: "published.burnRateMetric is ' '",
    },
  ])('rejects $name, naming the field and the fix', ({ edit, expectedError }) => {
    const definition = edited(edit);
    expect(() => validateDefinition(definition)).toThrow(SloDefinitionError);
    expect(() => validateDefinition(definition)).toThrow(expectedError);
  });

  it('names each alert that can never fire and why, without rejecting the definition', () => {
    expect(definitionNotices(SLO_DEFINITION)).toEqual(
      ['page-1h-5m', 'page-6h-30m', 'ticket-1d-2h'].map((pair) =>
        expect.stringMatching(
          new RegExp(
            `^'latency-p50' x ${pair} can never fire: its factor [\\d.]+ is not below the highest burn rate 2 `,
          ),
        ),
      ),
    );
    expect(definitionNotices(SLO_DEFINITION)[0]).toContain('(= 1 / budget 0.5); left out of the alarms');
  });

  it('reports every problem at once', () => {
    const definition = edited((d) => {
      objectiveAt(d, 0).target = 2;
      latency(d).indicator.thresholdMs = 0;
    });
    try {
      validateDefinition(definition);
      expect.unreachable('validation should have failed');
    } catch (error) {
      expect((error as SloDefinitionError).problems.length).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('durations', () => {
  it.each([
    ['5m', 5],
    ['1h', 60],
    ['28d', 40_320],
  ])('%s is %i minutes', (text, minutes) => {
    expect(durationMinutes(text)).toBe(minutes);
    expect(formatMinutes(minutes)).toBe(text);
  });

  it.each(['', '0m', '1.5h', '5 m', '1w', '-1d'])('rejects %j', (text) => {
    expect(() => durationMinutes(text)).toThrow(`Invalid duration '${text}'`);
  });
});
