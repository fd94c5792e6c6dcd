import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  freezeFromBudgetReport,
  keepBudgetReport,
  keptBudgetFreeze,
  keptBudgetReportPath,
  readBudgetFreeze,
  UNCHECKED_LOCAL_FREEZE,
} from './budget-freeze.ts';

const row = (name: string, budgetExhausted: boolean) => ({ name, budgetExhausted });

describe('freezeFromBudgetReport', () => {
  it.each([
    {
      case: 'an overspent budget freezes, naming the SLO',
      report: {
        budgetExhausted: true,
        dataProblems: [],
        slos: [row('availability', true), row('latency-p95', false)],
      },
      freeze: {
        checked: true,
        frozen: true,
        detail: 'r.json: the error budget of availability is overspent',
      },
    },
    {
      case: 'budget left everywhere does not freeze',
      report: { budgetExhausted: false, dataProblems: [], slos: [row('availability', false)] },
      freeze: { checked: true, frozen: false, detail: 'r.json: every SLO has budget left' },
    },
    {
      case: 'untrustworthy data is not a check, even with a budget overspent',
      report: { budgetExhausted: true, dataProblems: ['no invocations'], slos: [row('availability', true)] },
      freeze: { checked: false, why: 'r.json has no trustworthy data: no invocations' },
    },
  ])('$case', ({ report, freeze }) => {
    expect(freezeFromBudgetReport(report, 'r.json')).toEqual(freeze);
  });

  it.each([null, [], { budgetExhausted: 'yes', dataProblems: [], slos: [] }, { budgetExhausted: true }])(
    'refuses %j, saying how to write a report',
    (report) => {
      expect(() => freezeFromBudgetReport(report, 'r.json')).toThrow(
        '--budget-report r.json is not an slo:report JSON (no budgetExhausted, dataProblems and slos): write one with npm run slo:report -- --json-file FILE',
      );
    },
  );
});

describe('readBudgetFreeze', () => {
  it('is unchecked, with the reason, without a file', async () => {
    expect(await readBudgetFreeze(null)).toBe(UNCHECKED_LOCAL_FREEZE);
    expect(UNCHECKED_LOCAL_FREEZE).toMatchObject({
      checked: false,
      why: expect.stringContaining('--budget-report FILE'),
    });
  });

  it('reads the file, and names it when it is missing or not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'budget-freeze-'));
    const file = join(dir, 'report.json');
    await writeFile(file, JSON.stringify({ budgetExhausted: false, dataProblems: [], slos: [] }));
    expect(await readBudgetFreeze(file)).toMatchObject({ checked: true, frozen: false });
    await expect(readBudgetFreeze(join(dir, 'none.json'))).rejects.toThrow(
      `cannot read --budget-report ${dir}/none.json`,
    );
    await writeFile(file, '{');
    await expect(readBudgetFreeze(file)).rejects.toThrow(`--budget-report ${file} is not JSON`);
  });
});

describe('keepBudgetReport and keptBudgetFreeze', () => {
  it('check again the report a rehearsal started with, given relative to where it started', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'budget-freeze-'));
    const file = join(stateDir, 'slo.json');
    await writeFile(
      file,
      JSON.stringify({ budgetExhausted: true, dataProblems: [], slos: [row('availability', true)] }),
    );
    await keepBudgetReport(stateDir, relative(process.cwd(), file));
    expect(await keptBudgetFreeze(stateDir)).toEqual({
      checked: true,
      frozen: true,
      detail: `${file}: the error budget of availability is overspent`,
    });
    await keepBudgetReport(stateDir, null);
    expect(await keptBudgetFreeze(stateDir)).toBe(UNCHECKED_LOCAL_FREEZE);
  });

  it('refuses a state directory that kept none, saying how to end the release', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'budget-freeze-'));
    await expect(keptBudgetFreeze(stateDir)).rejects.toThrow(
      `cannot read ${keptBudgetReportPath(stateDir)}, the --budget-report this rehearsal started with, so its ` +
        'freeze cannot be checked: roll the release back with npm run release:local -- --abort',
    );
  });
});
