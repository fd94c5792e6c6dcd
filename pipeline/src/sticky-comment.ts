/**
 * ONE comment per pull request, updated in place: the decisions (where the report may go, which comment to
 * update) are pure; `publishStickyComment` writes through the GitHub REST API's issue comments (a pull
 * request is an issue for comments), behind a port.
 *
 * A fork's pull request gets the job summary only: a `pull_request` run from a fork gets a read-only
 * GITHUB_TOKEN (GitHub docs, "Automatic token authentication": "pull requests from public forks ... read
 * access"), so a comment would fail; the workflow stays on `pull_request`, never `pull_request_target`.
 */

export interface PullRequestPayload {
  pull_request?: {
    number: number;
    head?: { repo?: { full_name?: string } | null };
    base?: { repo?: { full_name?: string } | null };
  };
}

export type CommentTarget = { comment: number } | { summaryOnly: string };

/** Where the report may go for the event that started the run. */
export function commentTarget(payload: PullRequestPayload): CommentTarget {
  const pullRequest = payload.pull_request;
  if (pullRequest === undefined)
    return { summaryOnly: 'not a pull-request event: no pull request to comment on' };
  const head = pullRequest.head?.repo?.full_name;
  const base = pullRequest.base?.repo?.full_name;
  // A deleted fork has no head repository: still not this repository.
  if (head === undefined || head !== base) {
    return {
      summaryOnly: `pull request #${pullRequest.number} comes from the fork ${head ?? '(deleted)'}: its token cannot comment, so the report is in the job summary`,
    };
  }
  return { comment: pullRequest.number };
}

export interface CommentAuthor {
  login: string;
  /** GitHub's account type: `User`, `Bot`, `Organization`. */
  type: string;
}

export interface ExistingComment {
  id: number;
  body?: string | null;
  /** null for a deleted account ("ghost"). */
  author: CommentAuthor | null;
}

/**
 * Who writes the report by default: the workflow's GITHUB_TOKEN comments as this bot (GitHub docs, "Automatic
 * token authentication"). Another token (a GitHub App's, a person's) comments as its own account, which the action
 * is then told (its `comment-author` input). A comment by anyone else is never ours, whatever it starts with: a
 * person who pastes the marker must not get their comment overwritten, nor take over the report.
 */
export const DEFAULT_REPORT_AUTHOR = 'github-actions[bot]';

/** Whether a comment's author is the account the report is written as: its login, and a bot only as a bot. */
function writtenBy(author: CommentAuthor | null, login: string): boolean {
  return author !== null && author.login === login && (author.type === 'Bot') === login.endsWith('[bot]');
}

export type CommentWrite = { update: number } | { create: true };

/**
 * The comment to update: the oldest one `author` (a login) wrote whose body STARTS with the marker (a reply
 * that quotes the report does not), so a second run never adds a second comment.
 */
export function stickyCommentWrite(
  comments: readonly ExistingComment[],
  marker: string,
  author: string = DEFAULT_REPORT_AUTHOR,
): CommentWrite {
  const ours = comments
    .filter(({ body, author: by }) => writtenBy(by, author) && body?.startsWith(marker))
    .sort((a, b) => a.id - b.id)[0];
  return ours === undefined ? { create: true } : { update: ours.id };
}

/** A comment written, or refused because the token may not write (why, for the run's notice). */
export type CommentWritten = { id: number } | { forbidden: string };

/** The comments of one repository's issues and pull requests (github-api.ts adapts octokit to it). */
export interface IssueCommentsPort {
  list(issueNumber: number): Promise<ExistingComment[]>;
  create(issueNumber: number, body: string): Promise<CommentWritten>;
  update(commentId: number, body: string): Promise<CommentWritten>;
}

export type Published = { commentId: number } | { summaryOnly: string };

/**
 * Creates or updates the pull request's one report comment. A token that may read but not write (a Dependabot
 * pull request's GITHUB_TOKEN is read-only, as a fork's is) leaves the report in the job summary, as for a fork,
 * instead of failing the job over a comment.
 */
export async function publishStickyComment(
  comments: IssueCommentsPort,
  issueNumber: number,
  body: string,
  marker: string,
  author: string = DEFAULT_REPORT_AUTHOR,
): Promise<Published> {
  const write = stickyCommentWrite(await comments.list(issueNumber), marker, author);
  const written =
    'update' in write ? await comments.update(write.update, body) : await comments.create(issueNumber, body);
  if ('id' in written) return { commentId: written.id };
  return {
    summaryOnly: `${written.forbidden}; the report of pull request #${issueNumber} is in the job summary only`,
  };
}
