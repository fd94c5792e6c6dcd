/**
 * The "Image size" section: the pull request's image against the base branch's (sizes from
 * `docker image inspect --format '{{.Size}}'`) and the Runtime Interface Emulator smoke test (image-smoke.ts).
 * `npm run image:report` writes the figures as JSON (imageReportSchema); the comment renders them. Pure.
 */
import { z } from 'zod';
import { smokeResultSchema } from './smoke-result.ts';

/**
 * Growth that gets a warning: 10 MiB. The image is the AWS Node.js base image plus our final stage, which is
 * ~45 MiB, almost all of it onnxruntime's native library (docs/infrastructure.md, "Size budget"); the bundle is
 * 0.5 MiB and the model 35 KiB, so no code or model change comes near 10 MiB, while a second native dependency
 * or a stray node_modules does. A share of the whole would hide it: the base image is most of the bytes and
 * moves by a few MiB with its own patch releases, which stay under this line.
 */
export const IMAGE_GROWTH_WARNING_BYTES = 10 * 1024 * 1024;

/** What `npm run image:report` writes and the pr-report action reads. */
export const imageReportSchema = z.object({
  headBytes: z.number().int().positive(),
  /** null: no base image to compare with (the base branch's build did not run or failed). */
  baseBytes: z.number().int().positive().nullable(),
  /** null: the smoke test did not run. */
  smoke: smokeResultSchema.nullable(),
});
export type ImageReportInput = z.infer<typeof imageReportSchema>;

export interface ImageFigures {
  headBytes: number;
  baseBytes: number | null;
  deltaBytes: number | null;
  /** Of the base size; null without a base. */
  deltaPercent: number | null;
  warning: boolean;
}

export function imageFigures(input: Pick<ImageReportInput, 'headBytes' | 'baseBytes'>): ImageFigures {
  const { headBytes, baseBytes } = input;
  if (baseBytes === null)
    return { headBytes, baseBytes, deltaBytes: null, deltaPercent: null, warning: false };
  const deltaBytes = headBytes - baseBytes;
  return {
    headBytes,
    baseBytes,
    deltaBytes,
    deltaPercent: baseBytes === 0 ? null : (deltaBytes / baseBytes) * 100,
    warning: deltaBytes > IMAGE_GROWTH_WARNING_BYTES,
  };
}

const MIB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;
const signed = (value: number, text: string) => (value > 0 ? `+${text}` : text);

export function imageVerdict(input: ImageReportInput): 'pass' | 'warn' | 'fail' {
  if (input.smoke !== null && !input.smoke.ok) return 'fail';
  return imageFigures(input).warning || input.smoke === null ? 'warn' : 'pass';
}

/** The section's body (the comment adds the heading). */
export function renderImageReport(input: ImageReportInput): string {
  const figures = imageFigures(input);
  const lines = ['| image | size |', '|---|---:|', `| this pull request | ${mib(figures.headBytes)} |`];
  if (figures.baseBytes === null || figures.deltaBytes === null) {
    lines.push('', 'No base image to compare with: the base branch was not built in this run.');
  } else {
    const percent =
      figures.deltaPercent === null
        ? ''
        : ` (${signed(figures.deltaPercent, `${figures.deltaPercent.toFixed(1)} %`)})`;
    lines.push(
      `| base branch | ${mib(figures.baseBytes)} |`,
      `| change | ${signed(figures.deltaBytes, mib(figures.deltaBytes))}${percent} |`,
    );
    if (figures.warning) {
      lines.push(
        '',
        `⚠️ **The image grew by more than ${mib(IMAGE_GROWTH_WARNING_BYTES)}**: code and model changes stay far ` +
          'below that; look for a new native dependency or files copied into the final stage.',
      );
    }
  }
  const smoke = input.smoke;
  lines.push(
    '',
    smoke === null
      ? '**Smoke test** did not run.'
      : smoke.ok
        ? `✅ **Smoke test**: the Runtime Interface Emulator answered a Function URL event for POST /predict with ${smoke.statusCode}: ${smoke.detail} (${(smoke.elapsedMs / 1000).toFixed(1)} s, ${smoke.attempts} attempt${smoke.attempts === 1 ? '' : 's'}).`
        : `❌ **Smoke test failed**: ${smoke.detail}.`,
  );
  return `${lines.join('\n')}\n`;
}
