/**
 * npm run --silent image:report -- --head-bytes N [--base-bytes N] [--smoke smoke.json] --out FILE: the figures of
 * the image section of the pull-request comment, as JSON (image-report.ts imageReportSchema; the comment renders
 * them, and judges them for its headline). Sizes are `docker image inspect --format '{{.Size}}'`;
 * smoke.json is what `npm run image:smoke` wrote. A --smoke file that does not exist means the smoke test did not
 * run; an empty --base-bytes, that the base branch was not built. Exit 0 when rendered: the smoke step fails the job itself.
 */
import { access, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import { isEntryPoint, runCli } from '../../../common/cli.ts';
import { type ImageReportInput, imageReportSchema } from '../image-report.ts';
import { type SmokeResult, smokeResultSchema } from '../smoke-result.ts';

const USAGE =
  'usage: npm run --silent image:report -- --head-bytes N [--base-bytes N] [--smoke smoke.json] --out FILE';

function byteCount(flag: string, text: string): number {
  const bytes = Number(text.trim());
  if (text.trim() === '' || !Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new Error(
      `${flag} ${JSON.stringify(text)} is not a byte count; pass docker image inspect --format '{{.Size}}'`,
    );
  }
  return bytes;
}

async function readSmoke(path: string): Promise<SmokeResult | null> {
  try {
    await access(path);
  } catch {
    return null;
  }
  try {
    return smokeResultSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    throw new Error(`${path} is not a result of npm run image:smoke; run it again`, { cause: error });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      'head-bytes': { type: 'string' },
      'base-bytes': { type: 'string' },
      smoke: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (values['head-bytes'] === undefined || values.out === undefined) {
    throw new Error('--head-bytes and --out are required');
  }
  const report: ImageReportInput = imageReportSchema.parse({
    headBytes: byteCount('--head-bytes', values['head-bytes']),
    // Empty: the workflow's base build did not run, so its size variable is empty.
    baseBytes:
      (values['base-bytes'] ?? '').trim() === ''
        ? null
        : byteCount('--base-bytes', values['base-bytes'] ?? ''),
    smoke: values.smoke === undefined ? null : await readSmoke(values.smoke),
  });
  await writeFileAtomic(values.out, `${JSON.stringify(report, null, 2)}\n`);
}

if (isEntryPoint(import.meta.url)) await runCli({ name: 'image:report', usage: USAGE }, main);
