/**
 * Reads what the pull-request jobs left behind into the comment's input: the edge shared by the pr-report action
 * and `npm run pr:report`. A path that is empty or names no file is a section that did not run (with the status
 * and why the workflow passed); a file that exists but is not what it should be is an error, so a broken report
 * never reads as "did not run"; a report whose job failed is a failed section.
 */
import { access, readFile } from 'node:fs/promises';
import { imageReportSchema } from './image-report.ts';
import {
  JOB_STATUSES,
  type JobStatus,
  type PrCommentInput,
  type RenderedSection,
  type SectionInput,
} from './pr-comment.ts';
import {
  imageSection,
  infraDiffSection,
  loadTestSection,
  testsSection,
  withJobStatus,
} from './pr-sections.ts';
import { parseVitestReport, runLabels, summarizeRun, type TestRun } from './test-summary.ts';

export interface PrReportFiles {
  /** vitest JSON reporter files (one per job or Node version). */
  testsReports: readonly string[];
  /** loadtest:report's Markdown. */
  loadtestReport: string;
  /** image:report's JSON. */
  imageReport: string;
  /** infra:diff's Markdown. */
  infraDiff: string;
  statuses: Record<keyof PrCommentInput, JobStatus | null>;
  /** Why a section did not run or its job failed, when the caller knows more than the status. */
  whys: Partial<Record<keyof PrCommentInput, string>>;
  /** Test files are named relative to it. */
  root: string;
}

/** A job status input: empty is "not given". */
export function parseJobStatus(name: string, text: string): JobStatus | null {
  const value = text.trim();
  if (value === '') return null;
  const status = JOB_STATUSES.find((known) => known === value);
  if (status === undefined) {
    throw new Error(
      `${name} is ${JSON.stringify(text)}; pass a job status (${JOB_STATUSES.join(', ')}) or leave it empty`,
    );
  }
  return status;
}

async function existing(path: string): Promise<boolean> {
  if (path.trim() === '') return false;
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}`, { cause: error });
  }
}

async function readJson(path: string): Promise<unknown> {
  const text = await readText(path);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not JSON`, { cause: error });
  }
}

/**
 * One section: missing (with its job's status and why) when its file is not there, else rendered, and a failure
 * whatever it shows when its job failed (pr-sections.ts withJobStatus).
 */
async function section(
  paths: readonly string[],
  status: JobStatus | null,
  why: string | undefined,
  render: (paths: readonly string[]) => Promise<RenderedSection>,
): Promise<SectionInput> {
  const found: string[] = [];
  for (const path of paths) if (await existing(path)) found.push(path);
  if (found.length === 0) return why === undefined ? { missing: status } : { missing: status, why };
  let rendered: RenderedSection;
  try {
    rendered = await render(found);
  } catch (error) {
    throw new Error(`${found.join(', ')}: cannot render its section`, { cause: error });
  }
  return withJobStatus(rendered, status, why);
}

const only = (paths: readonly string[]) => paths[0] ?? '';

export async function readPrCommentInput(files: PrReportFiles): Promise<PrCommentInput> {
  const { statuses, whys } = files;
  return {
    tests: await section(files.testsReports, statuses.tests, whys.tests, async (paths) => {
      const labels = runLabels(paths);
      const runs: TestRun[] = [];
      for (const [index, path] of paths.entries()) {
        runs.push({
          label: labels[index] ?? path,
          summary: summarizeRun(parseVitestReport(await readJson(path), path), files.root),
        });
      }
      return testsSection(runs);
    }),
    loadTest: await section([files.loadtestReport], statuses.loadTest, whys.loadTest, async (paths) =>
      loadTestSection(await readText(only(paths))),
    ),
    image: await section([files.imageReport], statuses.image, whys.image, async (paths) => {
      const parsed = imageReportSchema.safeParse(await readJson(only(paths)));
      if (!parsed.success) throw new Error('not a report of npm run image:report', { cause: parsed.error });
      return imageSection(parsed.data);
    }),
    infraDiff: await section([files.infraDiff], statuses.infraDiff, whys.infraDiff, async (paths) =>
      infraDiffSection(await readText(only(paths))),
    ),
  };
}
