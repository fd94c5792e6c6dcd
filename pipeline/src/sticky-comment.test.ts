import { describe, expect, it, vi } from 'vitest';
import {
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

describe('stickyCommentWrite', () => {
  it.each([
    { name: 'creates the first comment', comments: [{ id: 1, body: 'LGTM' }], expected: { create: true } },
    {
      name: 'updates the oldest comment that starts with the marker',
      comments: [
        { id: 9, body: `${MARKER}\nnewer duplicate` },
        { id: 3, body: `${MARKER}\nreport` },
        { id: 5, body: `> ${MARKER}\nquoted in a reply` },
        { id: 6, body: null },
      ],
      expected: { update: 3 },
    },
    {
      name: 'ignores a reply that quotes the report',
      comments: [{ id: 5, body: `> ${MARKER}` }],
      expected: { create: true },
    },
  ])('$name', ({ comments, expected }) => {
    expect(stickyCommentWrite(comments, MARKER)).toEqual(expected);
  });
});

describe('publishStickyComment', () => {
  const portWith = (existing: Array<{ id: number; body: string }>) =>
    ({
      list: vi.fn(async () => existing),
      create: vi.fn(async () => 42),
      update: vi.fn(async (commentId: number) => commentId),
    }) satisfies IssueCommentsPort;

  it('updates the report in place', async () => {
    const comments = portWith([{ id: 11, body: `${MARKER}\nold` }]);

    const id = await publishStickyComment(comments, 7, `${MARKER}\nnew`, MARKER);

    expect(id).toBe(11);
    expect(comments.list).toHaveBeenCalledWith(7);
    expect(comments.update).toHaveBeenCalledWith(11, `${MARKER}\nnew`);
    expect(comments.create).not.toHaveBeenCalled();
  });

  it('creates the comment when there is none', async () => {
    const comments = portWith([]);

    expect(await publishStickyComment(comments, 7, `${MARKER}\nnew`, MARKER)).toBe(42);
    expect(comments.create).toHaveBeenCalledWith(7, `${MARKER}\nnew`);
  });
});
