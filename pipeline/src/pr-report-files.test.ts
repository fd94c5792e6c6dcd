import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrReportFiles, parseJobStatus, readPrCommentInput } from './pr-report-files.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const LOADTEST_REPORT = fileURLToPath(
  new URL('../../loadtest/fixtures/reports/pr-regressed.md.txt', import.meta.url),
);
let directory: string;
const noStatuses = { tests: null, loadTest: null, image: null, infraDiff: null };
const files = (overrides: Partial<PrReportFiles>): PrReportFiles => ({
  testsReports: [],
  loadtestReport: '',
  imageReport: '',
  infraDiff: '',
  statuses: noStatuses,
  whys: {},
  root: '/tmp/vfail',
  ...overrides,
});

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'pr-report-files-'));
  await writeFile(
    join(directory, 'image.json'),
    JSON.stringify({ headBytes: 5, baseBytes: null, smoke: null }),
  );
  await writeFile(join(directory, 'not-image.json'), JSON.stringify({ size: 5 }));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('readPrCommentInput', () => {
  it('renders each section whose file exists and marks the rest missing, with their status', async () => {
    const input = await readPrCommentInput(
      files({
        testsReports: [`${FIXTURES}vitest/failing.json`, join(directory, 'node22-tests.json')],
        loadtestReport: LOADTEST_REPORT,
        imageReport: join(directory, 'image.json'),
        infraDiff: join(directory, 'infra-diff.md'),
        statuses: { ...noStatuses, infraDiff: 'failure' },
      }),
    );

    expect(input.tests).toMatchObject({
      verdict: 'fail',
      markdown: expect.stringContaining('`math.test.ts`'),
    });
    expect(input.loadTest).toMatchObject({ verdict: 'fail' });
    expect(input.image).toMatchObject({ verdict: 'warn' });
    expect(input.infraDiff).toEqual({ missing: 'failure' });
  });

  it('fails a section whose job failed although its report passed (a later step, lint, a stale dist/)', async () => {
    const input = await readPrCommentInput(
      files({
        testsReports: [`${FIXTURES}vitest/passing.json`],
        imageReport: join(directory, 'image.json'),
        statuses: { ...noStatuses, tests: 'failure', image: 'success' },
        whys: { tests: 'lint or the dist/ check failed' },
      }),
    );

    expect(input.tests).toMatchObject({
      verdict: 'fail',
      markdown: expect.stringMatching(
        /^❌ \*\*Its job's status is `failure`\*\*: lint or the dist\/ check failed\. The job failed besides or after this report/,
      ),
    });
    expect(input.tests).toMatchObject({ markdown: expect.stringContaining('✅ all 4 passed') });
    expect(input.image).toMatchObject({ verdict: 'warn' });
  });

  it('gives each tests report its own row, labelled from its file name', async () => {
    await writeFile(join(directory, 'tests-node20.json'), await readFile(`${FIXTURES}vitest/failing.json`));
    await writeFile(join(directory, 'tests-node22.json'), await readFile(`${FIXTURES}vitest/passing.json`));

    const input = await readPrCommentInput(
      files({ testsReports: [join(directory, 'tests-node20.json'), join(directory, 'tests-node22.json')] }),
    );

    const markdown = 'markdown' in input.tests ? input.tests.markdown : '';
    expect(markdown).toContain('❌ **2 failed** (2 on node20) of 7 run');
    expect(markdown).toMatch(/^\| node20 \| 1 \| 2 \|/m);
    expect(markdown).toMatch(/^\| node22 \| 4 \| 0 \|/m);
  });

  it('passes why a missing section did not run', async () => {
    const input = await readPrCommentInput(
      files({ statuses: { ...noStatuses, image: 'skipped' }, whys: { image: 'no Dockerfile change' } }),
    );

    expect(input.image).toEqual({ missing: 'skipped', why: 'no Dockerfile change' });
  });

  it('names the file that exists but is not a report', async () => {
    await expect(
      readPrCommentInput(files({ imageReport: join(directory, 'not-image.json') })),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/not-image\.json: cannot render its section$/),
      cause: { message: 'not a report of npm run image:report' },
    });
  });
});

describe('parseJobStatus', () => {
  it.each([
    ['', null],
    [' success ', 'success'],
    ['skipped', 'skipped'],
  ])('reads %j', (text, status) => {
    expect(parseJobStatus('tests-status', text)).toBe(status);
  });

  it('refuses anything else, listing what it takes', () => {
    expect(() => parseJobStatus('image-status', 'passed')).toThrow(
      'image-status is "passed"; pass a job status (success, failure, cancelled, skipped) or leave it empty',
    );
  });
});
