import { describe, expect, it } from 'vitest';
import {
  COMMENT_LIMIT,
  PR_COMMENT_MARKER,
  type PrCommentInput,
  renderPrComment,
  sectionAnnotations,
} from './pr-comment.ts';

const passing: PrCommentInput = {
  tests: { markdown: 'tests body\n', verdict: 'pass' },
  loadTest: { markdown: 'load body\n', verdict: 'pass' },
  image: { markdown: 'image body\n', verdict: 'pass' },
  infraDiff: { markdown: 'infra body\n', verdict: 'info' },
};

describe('renderPrComment', () => {
  it('starts with the marker and the headline, then the four sections in order', () => {
    const body = renderPrComment(passing);

    expect(body).toBe(
      `${PR_COMMENT_MARKER}
✅ **Every check passed**

## ✅ Tests

tests body

## ✅ Load test

load body

## ✅ Image size

image body

## ℹ️ Infrastructure diff

infra body
`,
    );
  });

  it.each([
    {
      name: 'a failed section leads, with what did not run',
      input: { ...passing, tests: { markdown: 'x', verdict: 'fail' }, image: { missing: 'skipped' } },
      headline: '❌ **Failed: tests**; did not run: image size',
    },
    {
      name: 'a missing section whose job failed is a failure, not an incomplete report',
      input: { ...passing, image: { missing: 'failure' }, loadTest: { missing: 'cancelled' } },
      headline: '❌ **Failed: load test, image size**',
    },
    {
      name: 'a missing section makes the report incomplete',
      input: { ...passing, loadTest: { missing: null } },
      headline: '⏭️ **Incomplete: load test did not run**',
    },
    {
      name: 'warnings are named',
      input: {
        ...passing,
        image: { markdown: 'x', verdict: 'warn' },
        infraDiff: { markdown: 'y', verdict: 'warn' },
      },
      headline: '⚠️ **Passed, with warnings: image size, infrastructure diff**',
    },
  ] satisfies Array<{ name: string; input: PrCommentInput; headline: string }>)(
    '$name',
    ({ input, headline }) => {
      expect(renderPrComment(input).split('\n')[1]).toBe(headline);
    },
  );

  it("says a missing section did not run, with its job's status or without one", () => {
    const body = renderPrComment({ ...passing, image: { missing: 'skipped' }, infraDiff: { missing: null } });

    expect(body).toContain("## ⏭️ Image size\n\nDid not run: no report (its job's status: `skipped`).");
    expect(body).toContain('## ⏭️ Infrastructure diff\n\nDid not run: no report (its job gave no status).');
  });

  it('marks a missing section whose job failed ❌ and says it failed before writing its report', () => {
    const body = renderPrComment({ ...passing, tests: { missing: 'failure', why: 'npm ci failed' } });

    expect(body).toContain(
      "## ❌ Tests\n\nNo report: its job failed before writing one: npm ci failed (its job's status: `failure`).",
    );
  });

  it('cuts the largest section to fit the limit, closing its code block and details', () => {
    const huge = `intro\n<details><summary>diff</summary>\n\n\`\`\`\n${'│ box drawing line ─────\n'.repeat(5_000)}\`\`\`\n\n</details>\n`;
    const input = { ...passing, infraDiff: { markdown: huge, verdict: 'info' as const } };

    const body = renderPrComment(input);

    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toContain('load body');
    expect(body).toMatch(
      /```\n<\/details>\n\n… \d+ characters of this section cut to stay under GitHub's 65536-character comment limit/,
    );
    expect(body.match(/^```/gm)?.length).toBe(2);
  });

  it('cuts two huge sections when cutting one is not enough', () => {
    const big = 'y'.repeat(70_000);
    const body = renderPrComment({
      ...passing,
      loadTest: { markdown: big, verdict: 'pass' },
      infraDiff: { markdown: `${big}z`, verdict: 'info' },
    });

    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.match(/characters of this section cut/g)?.length).toBe(2);
  });

  it('refuses a limit nothing fits in', () => {
    expect(() => renderPrComment(passing, 100)).toThrow(/^the comment does not fit in 100 bytes/);
  });
});

it('says why a section did not run when the caller knows', () => {
  const body = renderPrComment({
    ...passing,
    image: { missing: 'skipped', why: 'not built here: no Docker engine on this machine' },
  });

  expect(body).toContain(
    "## ⏭️ Image size\n\nDid not run: not built here: no Docker engine on this machine (its job's status: `skipped`).",
  );
});

it('annotates each failed, warned and skipped section, and says nothing of the passed ones', () => {
  const annotations = sectionAnnotations({
    tests: { missing: 'failure' },
    loadTest: { markdown: '<!-- marker -->\n### ❌ Load test: p95 over its SLO\n\ntable', verdict: 'fail' },
    image: { markdown: '| image | size |\n', verdict: 'warn' },
    infraDiff: { missing: 'skipped', why: 'no CDK change' },
  });

  expect(annotations).toEqual([
    {
      level: 'error',
      title: 'PR report: Tests',
      message: "No report: its job failed before writing one (its job's status: `failure`).",
    },
    { level: 'error', title: 'PR report: Load test', message: '❌ Load test: p95 over its SLO' },
    { level: 'warning', title: 'PR report: Image size', message: '| image | size |' },
    {
      level: 'notice',
      title: 'PR report: Infrastructure diff',
      message: "Did not run: no CDK change (its job's status: `skipped`).",
    },
  ]);
  expect(sectionAnnotations(passing)).toEqual([]);
});
