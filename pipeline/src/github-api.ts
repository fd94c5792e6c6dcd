/**
 * The GitHub REST edge of pipeline/: octokit (from @actions/github's getOctokit) adapted to the small ports the
 * pure modules write through. Listing is paginated (`octokit.paginate`), so a long-lived pull request or label
 * never hides its 31st comment or issue.
 */
import type { getOctokit } from '@actions/github';
import type { IssueCommentsPort } from './sticky-comment.ts';

export type Octokit = ReturnType<typeof getOctokit>;

export interface Repository {
  owner: string;
  repo: string;
}

export function issueComments(octokit: Octokit, repository: Repository): IssueCommentsPort {
  return {
    list: async (issueNumber) =>
      (
        await octokit.paginate(octokit.rest.issues.listComments, {
          ...repository,
          issue_number: issueNumber,
          per_page: 100,
        })
      ).map(({ id, body }) => ({ id, body: body ?? null })),
    create: async (issueNumber, body) =>
      (await octokit.rest.issues.createComment({ ...repository, issue_number: issueNumber, body })).data.id,
    update: async (commentId, body) =>
      (await octokit.rest.issues.updateComment({ ...repository, comment_id: commentId, body })).data.id,
  };
}
