/**
 * The pr-report action: reads the reports the pull request's jobs left, renders the ONE comment
 * (pipeline/src/pr-comment.ts), writes it whole to the job summary and, for a pull request from this
 * repository, creates or updates the sticky comment (pipeline/src/sticky-comment.ts); a token refused the write
 * (Dependabot's read-only one) leaves a notice and the summary. Each failed, warned or skipped section is an
 * annotation on the run. The logic lives in pipeline/; this file only wires inputs to it and its results to
 * outputs.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { writeFileAtomic } from '../../../../common/atomic-write.ts';
import { failureMessage } from '../../../../pipeline/src/action-failure.ts';
import { issueComments } from '../../../../pipeline/src/github-api.ts';
import {
  PR_COMMENT_MARKER,
  renderPrComment,
  sectionAnnotations,
} from '../../../../pipeline/src/pr-comment.ts';
import { parseJobStatus, readPrCommentInput } from '../../../../pipeline/src/pr-report-files.ts';
import { commentTarget, publishStickyComment } from '../../../../pipeline/src/sticky-comment.ts';

const BODY_FILE = 'shiftgate-pr-report.md';

export async function run(): Promise<void> {
  try {
    const status = (name: string) => parseJobStatus(name, core.getInput(name));
    const why = (name: string) => core.getInput(name).trim() || undefined;
    const input = await readPrCommentInput({
      testsReports: core.getMultilineInput('tests-report'),
      loadtestReport: core.getInput('loadtest-report'),
      imageReport: core.getInput('image-report'),
      infraDiff: core.getInput('infra-diff'),
      statuses: {
        tests: status('tests-status'),
        loadTest: status('loadtest-status'),
        image: status('image-status'),
        infraDiff: status('infra-diff-status'),
      },
      whys: {
        tests: why('tests-why'),
        loadTest: why('loadtest-why'),
        image: why('image-why'),
        infraDiff: why('infra-diff-why'),
      },
      root: process.env.GITHUB_WORKSPACE ?? process.cwd(),
    });
    const annotate = { error: core.error, warning: core.warning, notice: core.notice };
    for (const { level, title, message } of sectionAnnotations(input)) annotate[level](message, { title });
    const body = renderPrComment(input);
    const bodyPath = join(process.env.RUNNER_TEMP ?? tmpdir(), BODY_FILE);
    await writeFileAtomic(bodyPath, body);
    core.setOutput('body-path', bodyPath);
    // The summary has room for the whole report (1 MiB a step): what the comment had to cut is here.
    await core.summary.addRaw(renderPrComment(input, Number.POSITIVE_INFINITY)).write();

    const target = commentTarget(github.context.payload);
    if ('summaryOnly' in target) {
      core.notice(target.summaryOnly);
      core.setOutput('comment-id', '');
      return;
    }
    const comments = issueComments(
      github.getOctokit(core.getInput('github-token', { required: true })),
      github.context.repo,
    );
    const published = await publishStickyComment(
      comments,
      target.comment,
      body,
      PR_COMMENT_MARKER,
      core.getInput('comment-author', { required: true }),
    );
    if ('summaryOnly' in published) {
      core.notice(published.summaryOnly);
      core.setOutput('comment-id', '');
      return;
    }
    core.setOutput('comment-id', String(published.commentId));
    core.info(`pr-report: comment ${published.commentId} on pull request #${target.comment}`);
  } catch (error) {
    core.setFailed(failureMessage('pr-report', error));
  }
}
