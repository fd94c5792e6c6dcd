import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SLO_DEFINITION } from '../../../../slo/src/definition.ts';
import type { SloReportRow } from '../../../../slo/src/report.ts';
import { sloReportOf } from '../../../../slo/src/testing/report-fixture.ts';

const { core, github, octokit } = vi.hoisted(() => {
  const summary = {
    addHeading: vi.fn(),
    addRaw: vi.fn(),
    addTable: vi.fn(),
    write: vi.fn(async () => undefined),
  };
  summary.addRaw.mockReturnValue(summary);
  const octokit = {
    paginate: vi.fn(async (): Promise<Array<{ number: number; body: string; pull_request?: object }>> => []),
    rest: {
      issues: {
        listForRepo: Symbol('listForRepo'),
        create: vi.fn(async () => ({
          data: { number: 77, labels: [{ name: 'slo-breach' }] as Array<string | { name: string }> },
        })),
        createComment: vi.fn(async () => ({ data: { id: 1 } })),
        update: vi.fn(async () => ({ data: {} })),
      },
    },
  };
  return {
    core: {
      getInput: vi.fn((_name: string, _options?: unknown) => ''),
      setOutput: vi.fn(),
      setFailed: vi.fn(),
      error: vi.fn(),
      warning: vi.fn(),
      notice: vi.fn(),
      summary,
    },
    github: { context: { repo: { owner: 'acme', repo: 'shiftgate' } }, getOctokit: vi.fn(() => octokit) },
    octokit,
  };
});
vi.mock('@actions/core', () => core);
vi.mock('@actions/github', () => github);

import { run } from './main.ts';

const slo = SLO_DEFINITION.objectives[0];
const row = (overrides: Partial<SloReportRow>): SloReportRow => ({
  name: slo?.name ?? '',
  description: slo?.description ?? '',
  budgetingMethod: 'Occurrences',
  target: slo?.target ?? 0,
  unit: 'requests',
  good: 1,
  bad: 0,
  total: 1,
  measuredPeriods: 1,
  attainment: 1,
  budgetRemaining: 1,
  budgetExhausted: false,
  windowPercentile: null,
  burnRates: [{ window: '1h', burnRate: 0 }],
  firingAlerts: [],
  ...overrides,
});
const report = sloReportOf;

let directory: string;
const paths = { overspent: '', healthy: '', blind: '', broken: '' };
let inputs: Record<string, string>;
const output = (name: string) => core.setOutput.mock.calls.find(([key]) => key === name)?.[1];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'slo-watch-'));
  const files = {
    overspent: report([
      row({ budgetRemaining: -0.2, budgetExhausted: true, firingAlerts: ['ticket-1d-2h'] }),
    ]),
    healthy: report([row({})]),
    blind: report([row({})], [{ kind: 'no-invocations', message: 'no invocations in the window' }]),
    broken: { slos: 'none' },
  };
  for (const [name, content] of Object.entries(files)) {
    paths[name as keyof typeof paths] = join(directory, `${name}.json`);
    await writeFile(join(directory, `${name}.json`), JSON.stringify(content));
  }
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

beforeEach(() => {
  vi.clearAllMocks();
  core.summary.addRaw.mockReturnValue(core.summary);
  octokit.paginate.mockResolvedValue([]);
  inputs = {
    'report-json': paths.overspent,
    'report-exit-code': '3',
    stage: 'prod',
    'github-token': 't',
    label: 'slo-breach',
  };
  core.getInput.mockImplementation((name: string) => inputs[name] ?? '');
});

describe('slo-watch', () => {
  it('opens the issue of an overspent budget, labelled, and says releases are frozen', async () => {
    await run();

    expect(core.setFailed).not.toHaveBeenCalled();
    expect(octokit.paginate).toHaveBeenCalledWith(octokit.rest.issues.listForRepo, {
      owner: 'acme',
      repo: 'shiftgate',
      state: 'open',
      labels: 'slo-breach',
      per_page: 100,
    });
    expect(octokit.rest.issues.create).toHaveBeenCalledWith(
      expect.objectContaining({
        title: `[prod] SLO ${slo?.name}: ticket-1d-2h firing; budget overspent, releases frozen`,
        body: expect.stringContaining('--override-freeze REASON'),
        labels: ['slo-breach'],
      }),
    );
    expect(output('opened')).toBe('77');
    expect(output('frozen')).toBe('true');
    expect(core.summary.addTable).toHaveBeenCalledWith([
      expect.any(Array),
      ['open', '(new)', `[prod] SLO ${slo?.name}: ticket-1d-2h firing; budget overspent, releases frozen`],
    ]);
    expect(core.summary.addRaw).toHaveBeenCalledWith('Applied: 1 opened (#77), 0 updated, 0 closed.', true);
    expect(core.summary.write).toHaveBeenCalled();
    expect(core.error).toHaveBeenCalledWith(
      expect.stringMatching(/^A budget is overspent .*releases are frozen/),
      {
        title: 'SLO watch: stage prod',
      },
    );
    expect(core.notice).toHaveBeenCalledWith('SLO watch opened issue #77', { title: 'SLO watch: prod' });
  });

  it('fails clearly when GitHub opens the issue without the label, which the next run would not find', async () => {
    octokit.rest.issues.create.mockResolvedValueOnce({ data: { number: 78, labels: [] } });

    await run();

    expect(core.setFailed).toHaveBeenCalledWith(
      expect.stringMatching(
        /^slo-watch failed: GitHub opened issue #78 without the label slo-breach .*issues: write/,
      ),
    );
  });

  it('closes the issue on recovery with a comment, leaving pull requests out', async () => {
    inputs = { ...inputs, 'report-json': paths.healthy, 'report-exit-code': '0' };
    const marker = `<!-- shiftgate-slo-breach stage=prod slo=${slo?.name} state=budget:low,alerts:none -->`;
    octokit.paginate.mockResolvedValue([
      { number: 5, body: marker },
      { number: 6, body: marker, pull_request: {} },
    ]);

    await run();

    expect(octokit.rest.issues.createComment).toHaveBeenCalledWith(
      expect.objectContaining({ issue_number: 5, body: expect.stringMatching(/^Recovered/) }),
    );
    expect(octokit.rest.issues.update).toHaveBeenCalledWith({
      owner: 'acme',
      repo: 'shiftgate',
      issue_number: 5,
      state: 'closed',
    });
    expect(octokit.rest.issues.update).toHaveBeenCalledTimes(1);
    expect(output('closed')).toBe('1');
    expect(output('frozen')).toBe('false');
    expect(core.error).not.toHaveBeenCalled();
    expect(core.warning).not.toHaveBeenCalled();
  });

  it('does not close on a report without trustworthy data', async () => {
    inputs = { ...inputs, 'report-json': paths.blind, 'report-exit-code': '2' };
    octokit.paginate.mockResolvedValue([
      {
        number: 5,
        body: `<!-- shiftgate-slo-breach stage=prod slo=${slo?.name} state=budget:low,alerts:none -->`,
      },
    ]);

    await run();

    expect(octokit.rest.issues.update).not.toHaveBeenCalled();
    expect(octokit.rest.issues.create).toHaveBeenCalledWith(
      expect.objectContaining({ title: '[prod] SLO report: no trustworthy data' }),
    );
    expect(output('closed')).toBe('0');
    expect(output('frozen')).toBe('false');
    expect(core.warning).toHaveBeenCalledWith(
      expect.stringContaining(
        "releases are not frozen by it: the deploy's preflight cannot check the budget",
      ),
      { title: 'SLO watch: stage prod' },
    );
  });
});

describe('slo-watch failures', () => {
  it('refuses an exit code the report does not match', async () => {
    inputs = { ...inputs, 'report-exit-code': '0' };

    await run();

    expect(core.setFailed).toHaveBeenCalledWith(
      'slo-watch failed: report-exit-code is "0" but the report means exit 3; pass the exit code of the slo:report run that wrote report-json',
    );
    expect(octokit.rest.issues.create).not.toHaveBeenCalled();
  });

  it('refuses a file that is not a report, before touching any issue', async () => {
    inputs = { ...inputs, 'report-json': paths.broken };

    await run();

    expect(core.setFailed).toHaveBeenCalledWith(
      expect.stringMatching(
        /^slo-watch failed: report-json .*broken\.json is not the report slo:report writes/,
      ),
    );
    expect(octokit.paginate).not.toHaveBeenCalled();
  });

  it('says which call failed and the fix, and leaves the verdict in the summary', async () => {
    octokit.paginate.mockRejectedValue(
      Object.assign(new Error('Resource not accessible by integration'), { status: 403 }),
    );

    await run();

    expect(core.setFailed).toHaveBeenCalledWith(
      'slo-watch failed: listing the open issues labelled slo-breach failed (Resource not accessible by ' +
        'integration); the token may not do this: the job needs `permissions: issues: write` (a Dependabot or ' +
        'fork run gets a read-only token)',
    );
    expect(core.summary.addRaw).toHaveBeenCalledWith(expect.stringMatching(/^A budget is overspent/), true);
    expect(core.summary.write).toHaveBeenCalled();
  });

  it('writes what it planned before an operation fails', async () => {
    octokit.rest.issues.create.mockRejectedValueOnce(new Error('fetch failed'));

    await run();

    expect(core.summary.addTable).toHaveBeenCalledWith([
      expect.any(Array),
      ['open', '(new)', `[prod] SLO ${slo?.name}: ticket-1d-2h firing; budget overspent, releases frozen`],
    ]);
    expect(core.summary.write).toHaveBeenCalledTimes(2);
    expect(core.setFailed).toHaveBeenCalledWith(
      expect.stringMatching(
        /^slo-watch failed: opening the issue ".*" failed \(fetch failed\); GitHub's API could not be reached/,
      ),
    );
    expect(output('opened')).toBeUndefined();
  });

  it.each([
    {
      name: 'an Error, with its cause',
      thrown: new Error('input broke', { cause: new Error('EIO') }),
      message: 'slo-watch failed: input broke (cause: EIO)',
    },
    { name: 'a thrown string', thrown: 'input broke', message: 'slo-watch failed: input broke' },
    {
      name: 'a value that is not an Error',
      thrown: { status: 500 },
      message: 'slo-watch failed: it threw object {"status":500}',
    },
    { name: 'null', thrown: null, message: 'slo-watch failed: it threw null null' },
  ])('fails the step for $name', async ({ thrown, message }) => {
    core.getInput.mockImplementation(() => {
      throw thrown;
    });

    await run();

    expect(core.setFailed).toHaveBeenCalledWith(message);
    expect(core.summary.write).not.toHaveBeenCalled();
  });
});
