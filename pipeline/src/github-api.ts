/**
 * The GitHub REST edge of pipeline/: octokit (from @actions/github's getOctokit) adapted to the small ports the
 * pure modules write through. Listing is paginated (`octokit.paginate`), so a long-lived pull request or label
 * never hides its 31st comment or issue.
 */
import type { getOctokit } from '@actions/github';
import type { BreachIssuesPort } from './breach-issues.ts';
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

/**
 * Issues with `label`: the SLO watch's. Created with the label, so the next run finds them. A label the
 * repository lacks is created by the REST API with the first issue (default colour; reported in github/docs#35718
 * and ballerina-attic/ballerina-extended-library#453, not stated in the endpoint's reference), so no setup step.
 */
export function labelledIssues(octokit: Octokit, repository: Repository, label: string): BreachIssuesPort {
  return {
    listOpen: async () =>
      (
        await octokit.paginate(octokit.rest.issues.listForRepo, {
          ...repository,
          state: 'open',
          labels: label,
          per_page: 100,
        })
      )
        // The issues API lists pull requests too.
        .filter((issue) => issue.pull_request === undefined)
        .map(({ number, body }) => ({ number, body: body ?? null })),
    create: async (title, body) =>
      (await octokit.rest.issues.create({ ...repository, title, body, labels: [label] })).data.number,
    comment: async (issueNumber, body) => {
      await octokit.rest.issues.createComment({ ...repository, issue_number: issueNumber, body });
    },
    edit: async (issueNumber, changes) => {
      await octokit.rest.issues.update({ ...repository, issue_number: issueNumber, ...changes });
    },
  };
}
