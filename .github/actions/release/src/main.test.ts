import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReleaseCliIo } from '../../../../release/src/cli/release.ts';
import { type MemoryIoScript, memoryIo } from '../../../../release/src/testing/memory-io.ts';
import { metricsOf, steadyTraffic } from '../../../../release/src/testing/memory-metrics.ts';
import { FakeClock, MemoryPlatform } from '../../../../release/src/testing/memory-platform.ts';

/** What the mocks read and record: the action's inputs, the files the release wrote, the GitHub API. */
const world = vi.hoisted(() => ({
  inputs: new Map<string, string>(),
  files: new Map<string, string>(),
  platform: null as unknown,
  script: {} as unknown,
  api: {
    listDeployments: vi.fn(),
    createDeployment: vi.fn(),
    createDeploymentStatus: vi.fn(),
    createCommitStatus: vi.fn(),
  },
  getInput: vi.fn(),
}));

vi.mock('@actions/core', () => {
  const summary = { addRaw: vi.fn(), write: vi.fn() };
  summary.addRaw.mockReturnValue(summary);
  summary.write.mockResolvedValue(summary);
  return {
    getInput: world.getInput,
    getBooleanInput: (name: string) => world.getInput(name) === 'true',
    setOutput: vi.fn(),
    setFailed: vi.fn(),
    error: vi.fn(),
    warning: vi.fn(),
    summary,
  };
});

vi.mock('@actions/github', () => ({
  context: { serverUrl: 'https://github.com', repo: { owner: 'o', repo: 'r' }, runId: 99, sha: 'abc123' },
  getOctokit: () => ({ rest: { repos: world.api } }),
}));

// The fake ReleaseIo port: the release runs for real, against the in-memory platform, and writes into a map.
vi.mock('../../../../release/src/cli/release.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../../release/src/cli/release.ts')>();
  return {
    ...actual,
    processReleaseCliIo: (): ReleaseCliIo => ({
      env: {},
      stdout: () => {},
      stderr: () => {},
      progress: { step: () => {}, live: () => {} },
      holder: 'action test',
      writeFileAtomic: async (path, text) => {
        world.files.set(path, text);
      },
      releaseIo: () => memoryIo(world.platform as MemoryPlatform, world.script as MemoryIoScript),
    }),
  };
});

const core = await import('@actions/core');
const { run } = await import('./main.ts');

const DEFAULTS: Record<string, string> = {
  command: 'start',
  'function-name': 'predictor',
  candidate: '2',
  stage: 'prod',
  'record-table': 'releases',
  'page-alarms': 'predictor-page',
  'no-page-alarms': 'false',
  plan: '50,100',
  bake: '1m',
  'model-change': 'false',
  'override-freeze': 'false',
  reason: '',
  'to-version': '',
  'report-path': 'release-report.json',
  environment: 'production',
  'github-token': 'token',
};

function given(inputs: Record<string, string> = {}, script: MemoryIoScript = {}) {
  world.inputs = new Map(Object.entries({ ...DEFAULTS, ...inputs }));
  world.script = script;
}

const outputs = () => Object.fromEntries(vi.mocked(core.setOutput).mock.calls);
const failedWith = () => vi.mocked(core.setFailed).mock.calls.map(([message]) => String(message));
const summaryText = () =>
  vi
    .mocked(core.summary.addRaw)
    .mock.calls.map(([text]) => text)
    .join('');
const deploymentStatus = () => world.api.createDeploymentStatus.mock.calls[0]?.[0];
const commitStatus = () => world.api.createCommitStatus.mock.calls[0]?.[0];

/** The candidate answers every request with an error: its first step rolls it back. */
const candidateFails = (version: string, range: never, via: never, platform: MemoryPlatform) => {
  const healthy = steadyTraffic(50)(version, range, via, platform);
  return version === '2'
    ? metricsOf(version, range, via, { invocations: healthy.invocations, errors: healthy.invocations })
    : healthy;
};

function platformWith(metrics = steadyTraffic(50), live = '1') {
  world.platform = new MemoryPlatform({
    clock: new FakeClock(),
    versions: ['1', '2'],
    live,
    livePc: 2,
    scaling: null,
    metrics,
  });
  return world.platform as MemoryPlatform;
}

beforeEach(() => {
  vi.clearAllMocks();
  world.files.clear();
  world.getInput.mockImplementation((name: string) => world.inputs.get(name) ?? '');
  world.api.listDeployments.mockResolvedValue({ data: [{ id: 7 }, { id: 11 }, { id: 9 }] });
  world.api.createDeployment.mockResolvedValue({ data: { id: 12 } });
  world.api.createDeploymentStatus.mockResolvedValue({ data: {} });
  world.api.createCommitStatus.mockResolvedValue({ data: {} });
  platformWith();
  given();
});

describe('the release action', () => {
  it('promotes: outputs, the report in the summary, success on the Deployment and the commit, no failure', async () => {
    await run();
    expect(outputs()).toEqual({
      outcome: 'promoted',
      'exit-code': '0',
      'report-path': 'release-report.json',
      'max-candidate-weight': '1',
      reason: 'promoted version 2 to live',
    });
    expect(JSON.parse(world.files.get('release-report.json') ?? '{}')).toMatchObject({ outcome: 'promoted' });
    expect(summaryText()).toMatch(/^### ✅ promoted 2 to live/);
    expect(summaryText()).toContain('```mermaid');
    expect(world.api.listDeployments).toHaveBeenCalledWith({
      owner: 'o',
      repo: 'r',
      sha: 'abc123',
      environment: 'production',
      per_page: 100,
    });
    expect(deploymentStatus()).toEqual({
      owner: 'o',
      repo: 'r',
      deployment_id: 11,
      state: 'success',
      description: 'promoted version 2 to live',
      log_url: 'https://github.com/o/r/actions/runs/99',
    });
    expect(commitStatus()).toEqual({
      owner: 'o',
      repo: 'r',
      sha: 'abc123',
      state: 'success',
      context: 'shiftgate/release',
      description: 'promoted version 2 to live',
      target_url: 'https://github.com/o/r/actions/runs/99',
    });
    expect(core.setFailed).not.toHaveBeenCalled();
  });

  it('succeeds, changing nothing, when the candidate already serves all of live: a deploy with no new version', async () => {
    const platform = platformWith(steadyTraffic(50), '2');
    await run();
    const reason = 'version 2 already serves all of live: nothing to release';
    expect(outputs()).toEqual({
      outcome: 'already-live',
      'exit-code': '0',
      'report-path': 'release-report.json',
      'max-candidate-weight': '0',
      reason,
    });
    expect(summaryText()).toMatch(/^### ✅ version 2 already serves all of live: nothing to release\n/);
    expect(deploymentStatus()).toMatchObject({ deployment_id: 11, state: 'success', description: reason });
    expect(commitStatus()).toMatchObject({
      state: 'success',
      context: 'shiftgate/release',
      description: reason,
    });
    expect(core.setFailed).not.toHaveBeenCalled();
    expect(core.error).not.toHaveBeenCalled();
    expect(platform.changes).toEqual([]);
    expect(platform.releaseRecord.lock).toBeNull();
  });

  it('fails a rolled-back release with the reason on the first line, an error annotation and failure statuses', async () => {
    platformWith(candidateFails as never);
    await run();
    const [message] = failedWith();
    expect(message?.split('\n')[0]).toMatch(/^rolled-back: /);
    expect(message?.split('\n')[1]).toBe('report: release-report.json and the job summary');
    expect(outputs()).toMatchObject({ outcome: 'rolled-back', 'exit-code': '3' });
    expect(core.error).toHaveBeenCalledWith(message?.split('\n')[0], { title: 'shiftgate release start' });
    expect(deploymentStatus()).toMatchObject({ state: 'failure' });
    expect(deploymentStatus().description.length).toBeLessThanOrEqual(140);
    expect(commitStatus()).toMatchObject({ state: 'failure', context: 'shiftgate/release' });
  });

  it("creates the environment's Deployment for the commit when the job made none", async () => {
    world.api.listDeployments.mockResolvedValue({ data: [] });
    await run();
    expect(world.api.createDeployment).toHaveBeenCalledWith({
      owner: 'o',
      repo: 'r',
      ref: 'abc123',
      environment: 'production',
      auto_merge: false,
      required_contexts: [],
      description: 'shiftgate release',
    });
    expect(deploymentStatus()).toMatchObject({ deployment_id: 12, state: 'success' });
  });

  it.each([
    ['a promoted release stays a success', steadyTraffic(50), 0],
    ['a rolled-back release still fails', candidateFails as never, 1],
  ])('warns when GitHub refuses the statuses: %s', async (_case, metrics, failures) => {
    platformWith(metrics);
    world.api.listDeployments.mockRejectedValue(
      new Error('HttpError: Resource not accessible by integration'),
    );
    world.api.createCommitStatus.mockRejectedValue('rate limited');
    await run();
    // The two are posted side by side: either may warn first.
    const warnings = vi.mocked(core.warning).mock.calls.map(([text]) => String(text));
    expect(warnings.sort()).toEqual([
      "the production Deployment's status could not be set (HttpError: Resource not accessible by integration); the release's outcome stands as reported",
      "the shiftgate/release commit status could not be set (rate limited); the release's outcome stands as reported",
    ]);
    expect(failedWith()).toHaveLength(failures);
  });

  it('rolls live back to the version before the last promotion, and succeeds', async () => {
    await run();
    vi.clearAllMocks();
    world.getInput.mockImplementation((name: string) => world.inputs.get(name) ?? '');
    given({
      command: 'rollback',
      candidate: '',
      plan: '',
      bake: '',
      'page-alarms': '',
      reason: 'p95 regressed',
    });
    await run();
    expect(outputs()).toMatchObject({ outcome: 'reverted', 'exit-code': '0', 'max-candidate-weight': '0' });
    expect(summaryText()).toMatch(/^### ↩️ rolled live back from 2 to 1: p95 regressed/);
    expect(commitStatus()).toMatchObject({ state: 'success' });
    expect(core.setFailed).not.toHaveBeenCalled();
    expect((await (world.platform as MemoryPlatform).readAlias()).version).toBe('1');
  });

  it('succeeds for an abort with nothing to abort, with no report', async () => {
    given({ command: 'abort', candidate: '', plan: '', bake: '' });
    await run();
    expect(outputs()).toMatchObject({ outcome: '', 'exit-code': '0', 'report-path': '' });
    expect(core.setFailed).not.toHaveBeenCalled();
  });

  it('reports a crashed release as an error on the Deployment and the commit, then fails', async () => {
    given(
      {},
      {
        onEnter: (state) => {
          if (state.name === 'promote') throw new Error('killed');
        },
      },
    );
    await run();
    const [message] = failedWith();
    expect(message).toMatch(
      /^start failed: release predictor-2-.* stopped in promote; it still holds the lock/,
    );
    expect(outputs()).toMatchObject({ outcome: '', 'exit-code': '1' });
    expect(deploymentStatus()).toMatchObject({ state: 'error' });
    expect(commitStatus()).toMatchObject({ state: 'error' });
  });

  it('refuses inputs the action rules out, changing nothing and posting nothing', async () => {
    given({ 'page-alarms': '' });
    await run();
    expect(failedWith()).toEqual([
      expect.stringMatching(/^input page-alarms is empty: name the page-severity/),
    ]);
    expect((world.platform as MemoryPlatform).changes).toEqual([]);
    expect(world.api.createCommitStatus).not.toHaveBeenCalled();
  });

  it.each<[string, unknown, string]>([
    ['a string', 'no input today', 'no input today'],
    [
      'an Error',
      new Error('input broke', { cause: new Error('underneath') }),
      'input broke (cause: underneath)',
    ],
    ['a non-Error object', { status: 500 }, 'thrown: {"status":500}'],
  ])('calls setFailed for %s thrown anywhere', async (_case, thrown, message) => {
    world.getInput.mockImplementation(() => {
      throw thrown;
    });
    await run();
    expect(failedWith()).toEqual([message]);
  });
});
