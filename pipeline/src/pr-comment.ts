/**
 * The ONE pull-request comment (and the job summary): a hidden marker the sticky comment is found by, a headline
 * verdict, then four sections in a fixed order: Tests, Load test, Image size, Infrastructure diff. A section
 * whose input is missing says it did not run, with its job's status when the workflow passed it; when that job
 * failed (or was cancelled) the section is a failure, not a skip. The body stays
 * under GitHub's comment limit by cutting the largest section. Pure: the sections come in rendered.
 */

/** Found by sticky-comment.ts to update the comment in place; never shown. */
export const PR_COMMENT_MARKER = '<!-- shiftgate-pr-report -->';

/**
 * GitHub refuses a comment body over 65,536 characters ("body is too long (maximum is 65536 characters)").
 * Counted here in UTF-8 bytes, never fewer than characters, so the box drawing of the diff and the emoji can
 * not push a body that looks short enough past the limit however GitHub counts.
 */
export const COMMENT_LIMIT = 65_536;

export const JOB_STATUSES = ['success', 'failure', 'cancelled', 'skipped'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** A job that did not finish what it set out to do: its section is a failure, report or not. */
export const isFailedStatus = (status: JobStatus | null): boolean =>
  status === 'failure' || status === 'cancelled';

/** `info`: nothing to fix, something to look at (an infrastructure change). */
export type SectionVerdict = 'pass' | 'info' | 'warn' | 'fail';

export interface RenderedSection {
  markdown: string;
  verdict: SectionVerdict;
}

export interface MissingSection {
  /** The job's status as the workflow passed it; null when it did not. */
  missing: JobStatus | null;
  /** Why, when the caller knows more than the status ("no Docker engine on this machine"). */
  why?: string;
}

export type SectionInput = RenderedSection | MissingSection;

export interface PrCommentInput {
  tests: SectionInput;
  loadTest: SectionInput;
  image: SectionInput;
  infraDiff: SectionInput;
}

const SECTIONS = [
  { key: 'tests', title: 'Tests' },
  { key: 'loadTest', title: 'Load test' },
  { key: 'image', title: 'Image size' },
  { key: 'infraDiff', title: 'Infrastructure diff' },
] as const satisfies ReadonlyArray<{ key: keyof PrCommentInput; title: string }>;

const MARK: Record<SectionVerdict | 'missing', string> = {
  pass: '✅',
  info: 'ℹ️',
  warn: '⚠️',
  fail: '❌',
  missing: '⏭️',
};

const isMissing = (section: SectionInput): section is MissingSection => 'missing' in section;

/** A missing section whose job failed is a failure (its job broke before writing the report), not a skip. */
const failedMissing = (section: SectionInput): boolean =>
  isMissing(section) && isFailedStatus(section.missing);

function missingText({ missing, why }: MissingSection): string {
  const status = missing === null ? 'its job gave no status' : `its job's status: \`${missing}\``;
  if (isFailedStatus(missing)) {
    return `No report: its job failed before writing one${why === undefined ? '' : `: ${why}`} (${status}).`;
  }
  return why === undefined ? `Did not run: no report (${status}).` : `Did not run: ${why} (${status}).`;
}

const markOf = (section: SectionInput): string =>
  failedMissing(section) ? MARK.fail : isMissing(section) ? MARK.missing : MARK[section.verdict];

/** Worst first: what a reviewer must act on leads the headline. */
function headline(input: PrCommentInput): string {
  const titlesWhere = (matches: (section: SectionInput) => boolean) =>
    SECTIONS.filter(({ key }) => matches(input[key]))
      .map(({ title }) => title.toLowerCase())
      .join(', ');
  const failed = titlesWhere(
    (section) => failedMissing(section) || (!isMissing(section) && section.verdict === 'fail'),
  );
  const missing = titlesWhere((section) => isMissing(section) && !failedMissing(section));
  const warned = titlesWhere((section) => !isMissing(section) && section.verdict === 'warn');
  if (failed !== '')
    return `${MARK.fail} **Failed: ${failed}**${missing === '' ? '' : `; did not run: ${missing}`}`;
  if (missing !== '') return `${MARK.missing} **Incomplete: ${missing} did not run**`;
  if (warned !== '') return `${MARK.warn} **Passed, with warnings: ${warned}**`;
  return `${MARK.pass} **Every check passed**`;
}

export interface SectionAnnotation {
  level: 'error' | 'warning' | 'notice';
  title: string;
  message: string;
}

/** A section's first line of prose: its own verdict line, less markers and heading marks. */
function firstProse(markdown: string): string {
  const line = markdown.split('\n').find((text) => text.trim() !== '' && !text.startsWith('<!--')) ?? '';
  return line.replace(/^#+\s*/, '').trim();
}

/**
 * What a reader of the run should see without opening the comment: an error per failed section, a warning per
 * warned one, a notice per one that did not run. Passed and informational sections say nothing.
 */
export function sectionAnnotations(input: PrCommentInput): SectionAnnotation[] {
  return SECTIONS.flatMap(({ key, title }): SectionAnnotation[] => {
    const section = input[key];
    if (isMissing(section)) {
      const level = failedMissing(section) ? 'error' : 'notice';
      return [{ level, title: `PR report: ${title}`, message: missingText(section) }];
    }
    if (section.verdict === 'fail' || section.verdict === 'warn') {
      const level = section.verdict === 'fail' ? 'error' : 'warning';
      return [{ level, title: `PR report: ${title}`, message: firstProse(section.markdown) }];
    }
    return [];
  });
}

function sectionHeading(title: string, section: SectionInput): string {
  return `## ${markOf(section)} ${title}`;
}

/** Cuts `markdown` to `length` characters, closing a code fence or <details> block the cut leaves open. */
function cut(markdown: string, length: number, leftOut: number): string {
  let kept = markdown.slice(0, Math.max(0, length));
  const fences = kept.match(/^```/gm)?.length ?? 0;
  if (fences % 2 === 1) kept += '\n```';
  const open = (kept.match(/<details>/g)?.length ?? 0) - (kept.match(/<\/details>/g)?.length ?? 0);
  kept += '\n</details>'.repeat(Math.max(0, open));
  return `${kept}\n\n… ${leftOut} characters of this section cut to stay under GitHub's ${COMMENT_LIMIT}-character comment limit; the job summary has it whole.\n`;
}

const size = (text: string) => Buffer.byteLength(text, 'utf8');

/** Room for what `cut` adds (closings and the note) and for a multi-byte character split by the byte count. */
const CUT_ALLOWANCE = 400;

export function renderPrComment(input: PrCommentInput, limit = COMMENT_LIMIT): string {
  const bodies = SECTIONS.map(({ key }) => {
    const section = input[key];
    return isMissing(section) ? missingText(section) : section.markdown.trimEnd().concat('\n');
  });
  const compose = (sectionBodies: readonly string[]) =>
    [
      PR_COMMENT_MARKER,
      headline(input),
      ...SECTIONS.flatMap(({ key, title }, index) => [
        '',
        sectionHeading(title, input[key]),
        '',
        (sectionBodies[index] ?? '').trimEnd(),
      ]),
    ]
      .join('\n')
      .trimEnd()
      .concat('\n');
  const originals = [...bodies];
  const kept = originals.map((text) => text.length);
  let body = compose(bodies);
  // Cut the largest section until the body fits: once, unless two sections are both huge. Removing `excess`
  // characters removes at least `excess` bytes.
  while (size(body) > limit) {
    const sizes = bodies.map(size);
    const largest = sizes.indexOf(Math.max(...sizes));
    const original = originals[largest] ?? '';
    const before = kept[largest] ?? 0;
    if (before === 0) {
      throw new Error(
        `the comment does not fit in ${limit} bytes even with its largest section cut to nothing`,
      );
    }
    const keep = Math.max(0, before - (size(body) - limit + CUT_ALLOWANCE));
    kept[largest] = keep;
    bodies[largest] = cut(original, keep, original.length - keep);
    body = compose(bodies);
  }
  return body;
}
