/**
 * Reads what the pull-request jobs left behind into the comment's input: the edge shared by the pr-report action
 * and `npm run pr:report`. A path that is empty or names no file is a section that did not run (with the status
 * the workflow passed); a file that exists but is not what it should be is an error, so a broken report never
 * reads as "did not run".
 */
import { access, readFile } from 'node:fs/promises';
import { imageReportSchema } from './image-report.ts';
import { JOB_STATUSES, type JobStatus, type PrCommentInput, type SectionInput } from './pr-comment.ts';
import { imageSection, infraDiffSection, loadTestSection, testsSection } from './pr-sections.ts';
import { parseVitestReport } from './test-summary.ts';

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

async function section(
  path: string,
  status: JobStatus | null,
  render: (path: string) => Promise<SectionInput>,
): Promise<SectionInput> {
  if (!(await existing(path))) return { missing: status };
  try {
    return await render(path);
  } catch (error) {
    throw new Error(`${path}: cannot render its section`, { cause: error });
  }
}

export async function readPrCommentInput(files: PrReportFiles): Promise<PrCommentInput> {
  const testsPaths: string[] = [];
  for (const path of files.testsReports) if (await existing(path)) testsPaths.push(path);
  return {
    tests:
      testsPaths.length === 0
        ? { missing: files.statuses.tests }
        : testsSection(
            await Promise.all(testsPaths.map(async (path) => parseVitestReport(await readJson(path), path))),
            files.root,
          ),
    loadTest: await section(files.loadtestReport, files.statuses.loadTest, async (path) =>
      loadTestSection(await readText(path)),
    ),
    image: await section(files.imageReport, files.statuses.image, async (path) => {
      const parsed = imageReportSchema.safeParse(await readJson(path));
      if (!parsed.success) throw new Error('not a report of npm run image:report', { cause: parsed.error });
      return imageSection(parsed.data);
    }),
    infraDiff: await section(files.infraDiff, files.statuses.infraDiff, async (path) =>
      infraDiffSection(await readText(path)),
    ),
  };
}
