/**
 * `npm run build:image-context -- [--arch x86_64|arm64] [--out DIR] [--skip-service-build]`
 *
 * Produces the content of the Lambda image's final stage, the same folder the Dockerfile copies from:
 * the service bundle, the model artifact and onnxruntime pruned to one architecture. The folder is written
 * beside its destination and renamed into place, so a failed run never leaves a half-written context.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isEntryPoint, runCli } from '../../common/cli.ts';
import { type LambdaArchitecture, parseArchitecture } from './architecture.ts';
import { checkBudget, planImageContext, RUNTIME_PACKAGES, type RuntimePackage } from './context-plan.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Every file gets this mtime so that an unchanged file yields a byte-identical image layer even when the
 * build stage re-ran (a model-only change must not invalidate the code layer, and the other way round).
 * 2000-01-01T00:00:00Z unless the build sets the reproducible-builds SOURCE_DATE_EPOCH.
 */
function fixedMtime(): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return new Date(Date.UTC(2000, 0, 1));
  const seconds = Number(epoch);
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new Error(`SOURCE_DATE_EPOCH is "${epoch}": set it to whole seconds since 1970, or unset it.`);
  }
  return new Date(seconds * 1000);
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

function runServiceBuild(): void {
  const result = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(
      `"npm run build" failed (exit ${result.status ?? result.signal}): fix the service build first.`,
    );
  }
}

export interface BuildOptions {
  readonly architecture: LambdaArchitecture;
  readonly outDir: string;
}

/** Lays out the context for an already-built service; returns the bytes written. */
export async function buildImageContext({ architecture, outDir }: BuildOptions): Promise<number> {
  const packageFiles = {} as Record<RuntimePackage, string[]>;
  for (const name of RUNTIME_PACKAGES) {
    packageFiles[name] = await listFiles(join(REPO_ROOT, 'node_modules', name));
  }
  const steps = planImageContext({ architecture, packageFiles });

  const staging = `${outDir}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    const mtime = fixedMtime();
    const sizes: number[] = [];
    for (const step of steps) {
      const source = join(REPO_ROOT, step.from);
      const target = join(staging, step.to);
      await mkdir(dirname(target), { recursive: true });
      await cp(source, target).catch((error: unknown) => {
        throw new Error(
          `Cannot copy ${step.from} into the image context: does it exist? (run npm run build)`,
          {
            cause: error,
          },
        );
      });
      await utimes(target, mtime, mtime);
      sizes.push((await stat(target)).size);
    }
    const verdict = checkBudget(sizes, architecture);
    if (!verdict.withinBudget) {
      throw new Error(
        `Image context for ${architecture} is ${verdict.totalBytes} bytes, over its budget of ` +
          `${verdict.budgetBytes}: find what grew (du -a ${staging}) or raise IMAGE_CONTEXT_BUDGET_BYTES with a reason.`,
      );
    }
    await rm(outDir, { recursive: true, force: true });
    await mkdir(dirname(outDir), { recursive: true });
    await rename(staging, outDir);
    return verdict.totalBytes;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      arch: { type: 'string', default: 'x86_64' },
      out: { type: 'string' },
      'skip-service-build': { type: 'boolean', default: false },
    },
  });
  const architecture = parseArchitecture(values.arch);
  const outDir = resolve(values.out ?? join(REPO_ROOT, 'build', 'image-context', architecture));
  if (!values['skip-service-build']) runServiceBuild();
  const bytes = await buildImageContext({ architecture, outDir });
  console.log(`image context for ${architecture}: ${(bytes / 1024 / 1024).toFixed(1)} MiB in ${outDir}`);
}

if (isEntryPoint(import.meta.url)) await runCli({ name: 'build:image-context' }, main);
