import { describe, expect, it, vi } from 'vitest';
import {
  type CommentWritten,
  commentTarget,
  type IssueCommentsPort,
  publishStickyComment,
  stickyCommentWrite,
} from './sticky-comment.ts';

const MARKER = '<!-- shiftgate-pr-report -->';
const pullRequest = (head: string | null, base = 'acme/shiftgate') => ({
  pull_request: {
    number: 7,
    head: { repo: head === null ? null : { full_name: head } },
    base: { repo: { full_name: base } },
  },
});

describe('commentTarget', () => {
  it.each([
    {
      name: 'a branch of this repository gets a comment',
      payload: pullRequest('acme/shiftgate'),
      expected: { comment: 7 },
    },
    {
      name: 'a fork gets the summary only',
      payload: pullRequest('mallory/shiftgate'),
      expected: {
        summaryOnly: expect.stringMatching(
          /^pull request #7 comes from the fork mallory\/shiftgate: its token cannot comment/,
        ),
      },
    },
    {
      name: 'a deleted fork gets the summary only',
      payload: pullRequest(null),
      expected: { summaryOnly: expect.stringContaining('the fork (deleted)') },
    },
    {
      name: 'a push has no pull request',
      payload: {},
      expected: { summaryOnly: 'not a pull-request event: no pull request to comment on' },
    },
  ])('$name', ({ payload, expected }) => {
    expect(commentTarget(payload)).toEqual(expected);
  });
});

const BOT = { login: 'github-actions[bot]', type: 'Bot' };
const PERSON = { login: 'mallory', type: 'User' };

describe('stickyCommentWrite', () => {
  it.each([
    {
      name: 'creates the first comment',
      comments: [{ id: 1, body: 'LGTM', author: PERSON }],
      expected: { create: true },
    },
    {
      name: 'updates the oldest comment the bot wrote that starts with the marker',
      comments: [
        { id: 9, body: `${MARKER}\nnewer duplicate`, author: BOT },
        { id: 3, body: `${MARKER}\nreport`, author: BOT },
        { id: 5, body: `> ${MARKER}\nquoted in a reply`, author: PERSON },
        { id: 6, body: null, author: null },
      ],
      expected: { update: 3 },
    },
    {
      name: 'ignores a reply that quotes the report',
      comments: [{ id: 5, body: `> ${MARKER}`, author: BOT }],
      expected: { create: true },
    },
    {
      name: 'never takes over a comment by someone else that starts with the marker',
      comments: [
        { id: 2, body: `${MARKER}\nnot the report`, author: PERSON },
        { id: 4, body: `${MARKER}\nanother bot`, author: { login: 'github-actions[bot]', type: 'User' } },
        { id: 8, body: `${MARKER}\nreport`, author: BOT },
      ],
      expected: { update: 8 },
    },
    {
      name: 'creates its own when only someone else wrote the marker (or a deleted account)',
      comments: [
        { id: 2, body: `${MARKER}\nnot the report`, author: PERSON },
        { id: 3, body: `${MARKER}\nghost`, author: null },
      ],
      expected: { create: true },
    },
  ])('$name', ({ comments, expected }) => {
    expect(stickyCommentWrite(comments, MARKER)).toEqual(expected);
  });

  it("updates the comment of the account another token writes as (a GitHub App's bot, a person)", () => {
    const comments = [
      { id: 3, body: `${MARKER}\nby the workflow token`, author: BOT },
      { id: 7, body: `${MARKER}\nby the app`, author: { login: 'shiftgate-reports[bot]', type: 'Bot' } },
      { id: 9, body: `${MARKER}\nby a person's token`, author: PERSON },
    ];
    expect(stickyCommentWrite(comments, MARKER, 'shiftgate-reports[bot]')).toEqual({ update: 7 });
    expect(stickyCommentWrite(comments, MARKER, 'mallory')).toEqual({ update: 9 });
    expect(stickyCommentWrite(comments.slice(1), MARKER)).toEqual({ create: true });
  });
});

describe('publishStickyComment', () => {
  const portWith = (existing: Array<{ id: number; body: string }>) =>
    ({
      list: vi.fn(async () => existing.map((comment) => ({ ...comment, author: BOT }))),
      create: vi.fn(async (): Promise<CommentWritten> => ({ id: 42 })),
      update: vi.fn(async (commentId: number): Promise<CommentWritten> => ({ id: commentId })),
    }) satisfies IssueCommentsPort;

  it('updates the report in place', async () => {
    const comments = portWith([{ id: 11, body: `${MARKER}\nold` }]);

    const published = await publishStickyComment(comments, 7, `${MARKER}\nnew`, MARKER);

    expect(published).toEqual({ commentId: 11 });
    expect(comments.list).toHaveBeenCalledWith(7);
    expect(comments.update).toHaveBeenCalledWith(11, `${MARKER}\nnew`);
    expect(comments.create).not.toHaveBeenCalled();
  });

  it('creates the comment when there is none', async () => {
    const comments = portWith([]);

    expect(await publishStickyComment(comments, 7, `${MARKER}\nnew`, MARKER)).toEqual({ commentId: 42 });
    expect(comments.create).toHaveBeenCalledWith(7, `${MARKER}\nnew`);
  });

  it('leaves the report in the summary when the token may not write (a Dependabot pull request)', async () => {
    const comments = portWith([]);
    comments.create.mockResolvedValue({ forbidden: 'creating the report comment was refused (403)' });

    expect(await publishStickyComment(comments, 7, `${MARKER}\nnew`, MARKER)).toEqual({
      summaryOnly:
        'creating the report comment was refused (403); the report of pull request #7 is in the job summary only',
    });
  });
});
