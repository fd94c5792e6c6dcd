/**
 * The `release` action: reads its inputs, runs `npm run release`'s runReleaseCli in this process (AWS credentials
 * from the job, e.g. configure-aws-credentials), and reports what it ended as: outputs, the job summary (the
 * report's Markdown), a status on this run's GitHub Deployment and the shiftgate/release commit status. Every
 * decision is release/src/github-report.ts's; a GitHub API failure while reporting is a warning, never the step's
 * outcome, which is the release's.
 */
import * as core from '@actions/core';
import * as github from '@actions/github';
import { describeError } from '../../../../common/errors.ts';
import { processReleaseCliIo, runReleaseCli } from '../../../../release/src/cli/release.ts';
import {
  type ActionVerdict,
  actionCommandOf,
  COMMIT_STATUS_CONTEXT,
  failureMessage,
  newestDeploymentId,
  type ReleaseActionInputs,
  releaseArgv,
  statusDescription,
  thrownLine,
  verdictOf,
} from '../../../../release/src/github-report.ts';
import type { ReleaseReport } from '../../../../release/src/report.ts';

function readInputs(): ReleaseActionInputs {
  return {
    command: core.getInput('command'),
    functionName: core.getInput('function-name'),
    candidate: core.getInput('candidate'),
    stage: core.getInput('stage'),
    recordTable: core.getInput('record-table'),
    pageAlarms: core.getInput('page-alarms'),
    noPageAlarms: core.getBooleanInput('no-page-alarms'),
    plan: core.getInput('plan'),
    bake: core.getInput('bake'),
    modelChange: core.getBooleanInput('model-change'),
    overrideFreeze: core.getBooleanInput('override-freeze'),
    reason: core.getInput('reason'),
    toVersion: core.getInput('to-version'),
    reportPath: core.getInput('report-path'),
  };
}

export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    const command = actionCommandOf(inputs.command);
    const { context } = github;
    const runUrl = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
    const argv = releaseArgv(inputs, runUrl);
    const stdout: string[] = [];
    const stderr: string[] = [];
    let reportJson: string | null = null;
    const processIo = processReleaseCliIo();
    const end = await runReleaseCli(argv, {
      ...processIo,
      // The log shows what the command prints; the summary gets its Markdown.
      stdout: (text) => {
        stdout.push(text);
        processIo.stdout(text);
      },
      stderr: (text) => {
        stderr.push(text);
        processIo.stderr(text);
      },
      writeFileAtomic: async (path, text) => {
        await processIo.writeFileAtomic(path, text);
        if (path === inputs.reportPath) reportJson = text;
      },
    }).then(
      (exitCode) => ({ exitCode, crash: null }),
      // A crash is an outcome too: the Deployment and the commit say so before the step fails.
      (error: unknown) => ({ exitCode: 1, crash: thrownLine(error) }),
    );
    const report = reportJson === null ? null : (JSON.parse(reportJson) as ReleaseReport);
    const verdict = verdictOf(command, { ...end, report, stderr: stderr.join('') });

    core.setOutput('outcome', report?.outcome ?? '');
    core.setOutput('exit-code', String(end.exitCode));
    core.setOutput('report-path', report === null ? '' : inputs.reportPath);
    core.setOutput('max-candidate-weight', report === null ? '' : String(report.maxCandidateWeight));
    core.setOutput('reason', verdict.reason);
    const markdown = stdout.join('');
    await core.summary
      .addRaw(report === null ? `### ${verdict.reason}\n\n${markdown}` : markdown, true)
      .write()
      .catch(warnThat('the job summary could not be written'));
    await reportToGitHub(core.getInput('github-token'), core.getInput('environment'), verdict, runUrl);
    if (!verdict.succeeded) {
      core.error(verdict.reason, { title: `shiftgate release ${command}` });
      core.setFailed(failureMessage(verdict, report === null ? null : inputs.reportPath));
    }
  } catch (error) {
    core.setFailed(thrownLine(error));
  }
}

/** Reporting that fails is a warning: the step's outcome is the release's, whatever GitHub answered. */
const warnThat = (what: string) => (error: unknown) => {
  core.warning(`${what} (${describeError(error)}); the release's outcome stands as reported`);
};

/** The Deployment status and the commit status, each on its own: one failing does not stop the other. */
async function reportToGitHub(
  token: string,
  environment: string,
  verdict: ActionVerdict,
  runUrl: string,
): Promise<void> {
  const octokit = github.getOctokit(token);
  const { owner, repo } = github.context.repo;
  const sha = github.context.sha;
  const description = statusDescription(verdict.reason);
  await Promise.all([
    (async () => {
      // The job's `environment:` made a Deployment for this commit; the newest is this run's.
      const { data } = await octokit.rest.repos.listDeployments({
        owner,
        repo,
        sha,
        environment,
        per_page: 100,
      });
      let deploymentId = newestDeploymentId(data);
      if (deploymentId === null) {
        const created = (
          await octokit.rest.repos.createDeployment({
            owner,
            repo,
            ref: sha,
            environment,
            auto_merge: false,
            required_contexts: [],
            description: 'shiftgate release',
          })
        ).data;
        if (!('id' in created)) throw new Error(`GitHub made no deployment of ${sha}: ${created.message}`);
        deploymentId = created.id;
      }
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: deploymentId,
        state: verdict.state,
        description,
        log_url: runUrl,
      });
    })().catch(warnThat(`the ${environment} Deployment's status could not be set`)),
    octokit.rest.repos
      .createCommitStatus({
        owner,
        repo,
        sha,
        state: verdict.state,
        context: COMMIT_STATUS_CONTEXT,
        description,
        target_url: runUrl,
      })
      .catch(warnThat(`the ${COMMIT_STATUS_CONTEXT} commit status could not be set`)),
  ]);
}
