/**
 * The GitHub REST edge of pipeline/: octokit (from @actions/github's getOctokit) adapted to the small ports the
 * pure modules write through. Listing is paginated (`octokit.paginate`), so a long-lived pull request or label
 * never hides its 31st comment or issue. Every call that fails says what it was doing and the likely fix (a
 * missing `permissions:` entry, an unreachable API), with octokit's error as its cause.
 */
import type { getOctokit } from '@actions/github';
import { describeError } from '../../common/errors.ts';
import type { BreachIssuesPort } from './breach-issues.ts';
import type { CommentAuthor, CommentWritten, IssueCommentsPort } from './sticky-comment.ts';

export type Octokit = ReturnType<typeof getOctokit>;

export interface Repository {
  owner: string;
  repo: string;
}

/** The HTTP status of octokit's RequestError; null for a failure with no answer (DNS, reset, timeout). */
export function httpStatusOf(error: unknown): number | null {
  if (typeof error !== 'object' || error === null || !('status' in error)) return null;
  return typeof error.status === 'number' ? error.status : null;
}

/** The fix a failed call's status points at; `permission` is the job's `permissions:` entry it needs. */
function likelyFix(status: number | null, permission: string): string {
  if (status === null) return "GitHub's API could not be reached from the runner: run the job again";
  if (status === 401 || status === 403) {
    return `the token may not do this: the job needs \`permissions: ${permission}\` (a Dependabot or fork run gets a read-only token)`;
  }
  if (status === 404) return `not found, or hidden from a token without \`permissions: ${permission}\``;
  return `GitHub answered ${status}: run the job again (https://www.githubstatus.com)`;
}

/** An Error naming the call, what went wrong and the fix, with octokit's error as the cause. */
function failedCall(what: string, permission: string, error: unknown): Error {
  return new Error(
    `${what} failed (${describeError(error)}); ${likelyFix(httpStatusOf(error), permission)}`,
    { cause: error },
  );
}

async function calling<T>(what: string, permission: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw failedCall(what, permission, error);
  }
}

const authorOf = (user: { login: string; type: string } | null | undefined): CommentAuthor | null =>
  user ? { login: user.login, type: user.type } : null;

export function issueComments(octokit: Octokit, repository: Repository): IssueCommentsPort {
  const permission = 'pull-requests: write';
  return {
    list: (issueNumber) =>
      calling(`listing the comments of pull request #${issueNumber}`, permission, async () =>
        (
          await octokit.paginate(octokit.rest.issues.listComments, {
            ...repository,
            issue_number: issueNumber,
            per_page: 100,
          })
        ).map(({ id, body, user }) => ({ id, body: body ?? null, author: authorOf(user) })),
      ),
    create: (issueNumber, body) =>
      writing(`creating the report comment on pull request #${issueNumber}`, permission, async () => ({
        id: (await octokit.rest.issues.createComment({ ...repository, issue_number: issueNumber, body })).data
          .id,
      })),
    update: (commentId, body) =>
      writing(`updating the report comment ${commentId}`, permission, async () => ({
        id: (await octokit.rest.issues.updateComment({ ...repository, comment_id: commentId, body })).data.id,
      })),
  };
}

/** A write the token is refused (403) is `forbidden` with what and why; any other failure throws as calling's. */
async function writing(
  what: string,
  permission: string,
  call: () => Promise<{ id: number }>,
): Promise<CommentWritten> {
  try {
    return await call();
  } catch (error) {
    if (httpStatusOf(error) !== 403) throw failedCall(what, permission, error);
    return { forbidden: `${what} was refused (${describeError(error)}); ${likelyFix(403, permission)}` };
  }
}

const labelName = (label: string | { name?: string }) => (typeof label === 'string' ? label : label.name);

/**
 * Issues with `label`: the SLO watch's. Created with the label, so the next run finds them. A label the
 * repository lacks is created by the REST API with the first issue (default colour; reported in github/docs#35718
 * and ballerina-attic/ballerina-extended-library#453, not stated in the endpoint's reference), so no setup step.
 * GitHub silently drops labels a token may not set: an issue created without it would be invisible to the next
 * run, which would open another every 30 minutes, so that is an error.
 */
export function labelledIssues(octokit: Octokit, repository: Repository, label: string): BreachIssuesPort {
  const permission = 'issues: write';
  return {
    listOpen: () =>
      calling(`listing the open issues labelled ${label}`, permission, async () =>
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
      ),
    create: async (title, body) => {
      const { data } = await calling(`opening the issue "${title}"`, permission, () =>
        octokit.rest.issues.create({ ...repository, title, body, labels: [label] }),
      );
      if (!data.labels.some((given) => labelName(given) === label)) {
        throw new Error(
          `GitHub opened issue #${data.number} without the label ${label} (it drops labels the token may not ` +
            'set), so the next run would not find it and would open another: give the job `permissions: ' +
            `issues: write\`, or create the label ${label} in the repository, then add it to #${data.number} by hand`,
        );
      }
      return data.number;
    },
    comment: async (issueNumber, body) => {
      await calling(`commenting on issue #${issueNumber}`, permission, () =>
        octokit.rest.issues.createComment({ ...repository, issue_number: issueNumber, body }),
      );
    },
    edit: async (issueNumber, changes) => {
      await calling(
        changes.state === 'closed' ? `closing issue #${issueNumber}` : `updating issue #${issueNumber}`,
        permission,
        () => octokit.rest.issues.update({ ...repository, issue_number: issueNumber, ...changes }),
      );
    },
  };
}
