/**
 * `npm run release -- [start|status|resume|abort|rollback] …`: the release on AWS (release-args.ts documents the
 * command line). Writes the report JSON atomically with its Markdown beside it when --out is given, prints the
 * Markdown, and returns the outcome's exit code (model.ts EXIT_CODES); a usage error 2. Importing it runs nothing:
 * release-main.ts is the command, and the `release` action calls runReleaseCli itself.
 */
import { hostname, userInfo } from 'node:os';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import { awsReleaseIo } from '../aws-release-io.ts';
import { EXIT_CODES } from '../model.ts';
import { abortRelease, releaseStatus, resumeRelease, startRelease } from '../orchestrator.ts';
import type { ReleaseIo, ReleaseProgressSink } from '../ports.ts';
import { streamProgress } from '../progress.ts';
import { type ReleaseReport, releaseReportJson } from '../report.ts';
import { renderReleaseMarkdown } from '../report-markdown.ts';
import { rollbackLive } from '../rollback.ts';
import {
  type AwsSettings,
  markdownPathFor,
  parseReleaseArgs,
  RELEASE_USAGE,
  UsageError,
} from './release-args.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface ReleaseCliIo {
  readonly env: Env;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly progress: ReleaseProgressSink;
  /** Who runs the release, as the lock and the journal name it. */
  readonly holder: string;
  readonly writeFileAtomic: (path: string, text: string) => Promise<void>;
  readonly releaseIo: (settings: AwsSettings) => ReleaseIo;
}

/** The exit code of a usage error (common/cli.ts leaves 1 to crashes). */
export const EXIT_USAGE = 2;

export async function runReleaseCli(argv: readonly string[], cli: ReleaseCliIo): Promise<number> {
  let command: ReturnType<typeof parseReleaseArgs>;
  try {
    command = parseReleaseArgs(argv, cli.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    cli.stderr(`release: ${error.message}\n${RELEASE_USAGE}\n`);
    return EXIT_USAGE;
  }
  if (command.command === 'help') {
    cli.stdout(`${RELEASE_USAGE}\n`);
    return 0;
  }
  const io = cli.releaseIo(command.aws);
  const functionName = command.aws.functionName;
  let report: ReleaseReport | null;
  switch (command.command) {
    case 'start':
      report = await startRelease(io, {
        functionName,
        candidate: command.candidate,
        plan: command.plan,
        modelChange: command.modelChange,
        overrideFreeze: command.overrideFreeze,
        holder: cli.holder,
      });
      break;
    case 'resume':
      report = await resumeRelease(io, cli.holder);
      break;
    case 'abort':
      report = await abortRelease(io, command.reason, cli.holder);
      if (report === null) {
        cli.stdout(`nothing to abort: no release of ${functionName} holds the lock; live is as it was\n`);
        return 0;
      }
      break;
    case 'rollback':
      report = await rollbackLive(io, {
        functionName,
        to: command.to,
        reason: command.reason,
        plan: command.plan,
        holder: cli.holder,
      });
      break;
    case 'status': {
      const status = await releaseStatus(io);
      const { version, weights } = status.alias;
      cli.stdout(`live: ${JSON.stringify({ version, weights })}\n`);
      cli.stdout(
        status.lock === null
          ? 'lock: free\n'
          : `lock: release ${status.lock.releaseId}, held by ${status.lock.holder} since ${status.lock.acquiredAt}\n`,
      );
      if (status.report !== null) await show(status.report, command.out, cli);
      return 0;
    }
  }
  await show(report, command.out, cli);
  // A report read back before its release finished has no outcome: that is no success.
  return report.outcome === null ? 1 : EXIT_CODES[report.outcome];
}

async function show(report: ReleaseReport, out: string | null, cli: ReleaseCliIo): Promise<void> {
  const markdown = renderReleaseMarkdown(report);
  if (out !== null) {
    await cli.writeFileAtomic(out, releaseReportJson(report));
    await cli.writeFileAtomic(markdownPathFor(out), markdown);
    cli.stderr(`release: report written to ${out} and ${markdownPathFor(out)}\n`);
  }
  cli.stdout(markdown.endsWith('\n') ? markdown : `${markdown}\n`);
}

/** `user@host pid N`, and the GitHub Actions run when there is one: what `status` shows as the lock's holder. */
export function holderName(env: Env, user: string, host: string, pid: number): string {
  const run =
    env.GITHUB_RUN_ID === undefined
      ? ''
      : ` (GitHub Actions ${env.GITHUB_REPOSITORY ?? ''} run ${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT ? ` attempt ${env.GITHUB_RUN_ATTEMPT}` : ''})`;
  return `${user}@${host} pid ${pid}${run}`;
}

/** This process's: its environment, stdout and stderr, progress on stderr, and the AWS release I/O. */
export function processReleaseCliIo(env: Env = process.env): ReleaseCliIo {
  const progress = streamProgress(process.stderr, env);
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // A container user with no passwd entry: the host and pid still say who it is.
  }
  return {
    env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    progress,
    holder: holderName(env, user, hostname(), process.pid),
    writeFileAtomic,
    releaseIo: (settings) => awsReleaseIo({ settings, progress, gitSha: env.GITHUB_SHA ?? null }),
  };
}
