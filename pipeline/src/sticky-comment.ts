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

export interface ExistingComment {
  id: number;
  body?: string | null;
}

export type CommentWrite = { update: number } | { create: true };

/**
 * The comment to update: the oldest one whose body STARTS with the marker (a reply that quotes the report does
 * not), so a second run never adds a second comment.
 */
export function stickyCommentWrite(comments: readonly ExistingComment[], marker: string): CommentWrite {
  const ours = comments.filter((comment) => comment.body?.startsWith(marker)).sort((a, b) => a.id - b.id)[0];
  return ours === undefined ? { create: true } : { update: ours.id };
}

/** The comments of one repository's issues and pull requests (github-api.ts adapts octokit to it). */
export interface IssueCommentsPort {
  list(issueNumber: number): Promise<ExistingComment[]>;
  create(issueNumber: number, body: string): Promise<number>;
  update(commentId: number, body: string): Promise<number>;
}

/** Creates or updates the pull request's one report comment; returns its id. */
export async function publishStickyComment(
  comments: IssueCommentsPort,
  issueNumber: number,
  body: string,
  marker: string,
): Promise<number> {
  const write = stickyCommentWrite(await comments.list(issueNumber), marker);
  return 'update' in write ? comments.update(write.update, body) : comments.create(issueNumber, body);
}
