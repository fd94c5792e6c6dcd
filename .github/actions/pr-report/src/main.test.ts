import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const { core, github, octokit } = vi.hoisted(() => {
  const summary = { addRaw: vi.fn(), write: vi.fn(async () => undefined) };
  summary.addRaw.mockReturnValue(summary);
  const octokit = {
    paginate: vi.fn(
      async (
        _endpoint: unknown,
        _parameters: unknown,
      ): Promise<Array<{ id: number; body: string; user: { login: string; type: string } | null }>> => [],
    ),
    rest: {
      issues: {
        listComments: Symbol('listComments'),
        createComment: vi.fn(async () => ({ data: { id: 501 } })),
        updateComment: vi.fn(async ({ comment_id }: { comment_id: number }) => ({
          data: { id: comment_id },
        })),
      },
    },
  };
  return {
    core: {
      getInput: vi.fn((_name: string, _options?: unknown) => ''),
      getMultilineInput: vi.fn((_name: string): string[] => []),
      setOutput: vi.fn(),
      setFailed: vi.fn(),
      error: vi.fn(),
      warning: vi.fn(),
      notice: vi.fn(),
      info: vi.fn(),
      summary,
    },
    github: {
      context: { payload: {} as Record<string, unknown>, repo: { owner: 'acme', repo: 'shiftgate' } },
      getOctokit: vi.fn(() => octokit),
    },
    octokit,
  };
});
vi.mock('@actions/core', () => core);
vi.mock('@actions/github', () => github);

import { run } from './main.ts';

const fixture = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));
const INPUTS: Record<string, string> = {
  'loadtest-report': fixture('loadtest/fixtures/reports/pr-regressed.md.txt'),
  'image-report': '/nonexistent/image.json',
  'image-status': 'skipped',
  'infra-diff': '',
  'github-token': 'token',
  'comment-author': 'github-actions[bot]',
};
const pullRequestFrom = (headRepository: string) => ({
  pull_request: {
    number: 12,
    head: { repo: { full_name: headRepository } },
    base: { repo: { full_name: 'acme/shiftgate' } },
  },
});
const output = (name: string) => core.setOutput.mock.calls.find(([key]) => key === name)?.[1];
const BOT = { login: 'github-actions[bot]', type: 'Bot' };

beforeEach(() => {
  vi.clearAllMocks();
  core.summary.addRaw.mockReturnValue(core.summary);
  core.getInput.mockImplementation((name: string) => INPUTS[name] ?? '');
  core.getMultilineInput.mockImplementation(() => [fixture('pipeline/fixtures/vitest/failing.json')]);
  octokit.paginate.mockResolvedValue([]);
  github.context.payload = pullRequestFrom('acme/shiftgate');
});

describe('pr-report on a pull request from this repository', () => {
  it('renders the four sections, writes the summary and creates the sticky comment', async () => {
    await run();

    expect(core.setFailed).not.toHaveBeenCalled();
    const body = await readFile(output('body-path'), 'utf8');
    expect(body).toMatch(
      /^<!-- shiftgate-pr-report -->\n❌ \*\*Failed: tests, load test\*\*; did not run: image size, infrastructure diff\n/,
    );
    expect(body).toContain("## ⏭️ Image size\n\nDid not run: no report (its job's status: `skipped`).");
    expect(core.summary.addRaw).toHaveBeenCalledWith(body);
    expect(core.summary.write).toHaveBeenCalled();
    expect(github.getOctokit).toHaveBeenCalledWith('token');
    expect(octokit.paginate).toHaveBeenCalledWith(octokit.rest.issues.listComments, {
      owner: 'acme',
      repo: 'shiftgate',
      issue_number: 12,
      per_page: 100,
    });
    expect(octokit.rest.issues.createComment).toHaveBeenCalledWith({
      owner: 'acme',
      repo: 'shiftgate',
      issue_number: 12,
      body,
    });
    expect(output('comment-id')).toBe('501');
  });

  it('annotates the failed and skipped sections', async () => {
    await run();

    expect(core.error).toHaveBeenCalledWith(expect.stringMatching(/^❌ \*\*2 failed\*\*/), {
      title: 'PR report: Tests',
    });
    expect(core.error).toHaveBeenCalledWith(expect.stringContaining('Load test'), {
      title: 'PR report: Load test',
    });
    expect(core.notice).toHaveBeenCalledWith("Did not run: no report (its job's status: `skipped`).", {
      title: 'PR report: Image size',
    });
  });

  it('says why a section did not run and fails a tests section whose job failed', async () => {
    const inputs: Record<string, string> = {
      ...INPUTS,
      'image-why': 'no Dockerfile change',
      'tests-status': 'failure',
      'tests-why': 'the Node 20 job failed',
    };
    core.getInput.mockImplementation((name: string) => inputs[name] ?? '');
    core.getMultilineInput.mockImplementation(() => [fixture('pipeline/fixtures/vitest/passing.json')]);

    await run();

    const body = await readFile(output('body-path'), 'utf8');
    expect(body).toContain(
      "## ❌ Tests\n\n❌ **Its job's status is `failure`**: the Node 20 job failed. The job failed besides or after this report",
    );
    expect(body).toContain("Did not run: no Dockerfile change (its job's status: `skipped`).");
  });

  it('updates the comment a previous run made', async () => {
    octokit.paginate.mockResolvedValue([
      { id: 7, body: 'Nice!', user: { login: 'octocat', type: 'User' } },
      { id: 9, body: '<!-- shiftgate-pr-report -->\nold report', user: BOT },
    ]);

    await run();

    expect(octokit.rest.issues.updateComment).toHaveBeenCalledWith(
      expect.objectContaining({ comment_id: 9 }),
    );
    expect(octokit.rest.issues.createComment).not.toHaveBeenCalled();
    expect(output('comment-id')).toBe('9');
  });
  it("never overwrites a person's comment that starts with the marker", async () => {
    octokit.paginate.mockResolvedValue([
      { id: 3, body: '<!-- shiftgate-pr-report -->\nmine now', user: { login: 'mallory', type: 'User' } },
    ]);

    await run();

    expect(octokit.rest.issues.updateComment).not.toHaveBeenCalled();
    expect(output('comment-id')).toBe('501');
  });

  it('leaves the report in the summary with a notice when the token may not comment (Dependabot)', async () => {
    octokit.rest.issues.createComment.mockRejectedValueOnce(
      Object.assign(new Error('Resource not accessible by integration'), { status: 403 }),
    );

    await run();

    expect(core.setFailed).not.toHaveBeenCalled();
    expect(core.summary.write).toHaveBeenCalled();
    expect(core.notice).toHaveBeenCalledWith(
      'creating the report comment on pull request #12 was refused (Resource not accessible by integration); ' +
        'the token may not do this: the job needs `permissions: pull-requests: write` (a Dependabot or fork run ' +
        'gets a read-only token); the report of pull request #12 is in the job summary only',
    );
    expect(output('comment-id')).toBe('');
  });

  it('says which call failed and the fix when GitHub cannot be reached', async () => {
    octokit.paginate.mockRejectedValueOnce(
      new Error('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND api.github.com') }),
    );

    await run();

    expect(core.setFailed).toHaveBeenCalledWith(
      'pr-report failed: listing the comments of pull request #12 failed (fetch failed (cause: getaddrinfo ' +
        "ENOTFOUND api.github.com)); GitHub's API could not be reached from the runner: run the job again",
    );
  });
});

describe('pr-report on a fork', () => {
  it('writes the job summary only', async () => {
    github.context.payload = pullRequestFrom('mallory/shiftgate');

    await run();

    expect(core.summary.write).toHaveBeenCalled();
    expect(github.getOctokit).not.toHaveBeenCalled();
    expect(core.notice).toHaveBeenCalledWith(
      expect.stringContaining('comes from the fork mallory/shiftgate'),
    );
    expect(output('comment-id')).toBe('');
    expect(core.setFailed).not.toHaveBeenCalled();
  });
});

describe('pr-report failures', () => {
  it.each([
    {
      name: 'an Error, with its cause',
      thrown: new Error('disk full', { cause: new Error('ENOSPC') }),
      message: 'pr-report failed: disk full (cause: ENOSPC)',
    },
    { name: 'a thrown string', thrown: 'input broke', message: 'pr-report failed: input broke' },
    { name: 'a value that is not an Error', thrown: 42, message: 'pr-report failed: it threw number 42' },
    { name: 'undefined', thrown: undefined, message: 'pr-report failed: it threw undefined undefined' },
  ])('fails the step for $name', async ({ thrown, message }) => {
    core.getMultilineInput.mockImplementation(() => {
      throw thrown;
    });

    await run();

    expect(core.setFailed).toHaveBeenCalledWith(message);
    expect(octokit.rest.issues.createComment).not.toHaveBeenCalled();
  });

  it('names a bad status input', async () => {
    core.getInput.mockImplementation((name: string) =>
      name === 'tests-status' ? 'green' : (INPUTS[name] ?? ''),
    );

    await run();

    expect(core.setFailed).toHaveBeenCalledWith(
      'pr-report failed: tests-status is "green"; pass a job status (success, failure, cancelled, skipped) or leave it empty',
    );
    expect(core.summary.write).not.toHaveBeenCalled();
  });
});
