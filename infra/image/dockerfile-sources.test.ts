import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The image's build stage sees only what the Dockerfile copies and .dockerignore lets through. No Docker engine
 * runs here, so a source file the bundle needs but the build stage never receives would only fail on the first
 * real `docker build`. This test bundles the Lambda handler and checks each of its own source files against both.
 */

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'shiftgate-bundle-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function bundledSources(): string[] {
  const build = spawnSync(process.execPath, ['scripts/build-service.mjs', outDir], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`the service build failed:\n${build.stderr}`);
  const map = JSON.parse(readFileSync(join(outDir, 'lambda.mjs.map'), 'utf8')) as { sources: string[] };
  return (
    map.sources
      // `namespace:path` entries are the build script's virtual modules (its esbuild plugins), not files.
      .filter((source) => !source.includes(':'))
      .map((source) => relative(REPO_ROOT, resolve(outDir, source)))
      // A package, wherever node_modules lives (hoisted, linked): installed by npm ci, not copied.
      .filter((source) => !source.split(/[\\/]/).includes('node_modules'))
  );
}

/** The sources of the build stage's COPY instructions (the final stage copies only from /image-context). */
function copiedIntoBuildStage(dockerfile: string): string[] {
  const buildStage = dockerfile.split(/^FROM /m)[1] ?? '';
  return [...buildStage.matchAll(/^COPY (?!--)(.+)$/gm)].flatMap((match) => {
    const parts = (match[1] ?? '').trim().split(/\s+/);
    return parts.slice(0, -1);
  });
}

/** .dockerignore is an allow-list: `*`, then `!path` for what may enter the context. */
function allowedByDockerignore(dockerignore: string): string[] {
  return dockerignore
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1).replace(/\/\*\.ts$/, ''));
}

const under = (file: string, roots: string[]) =>
  roots.some((root) => file === root || file.startsWith(`${root}/`));

describe('the image build stage receives every source file the Lambda bundle is made of', () => {
  const sources = bundledSources();
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const dockerignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8');

  it('bundles the service, the model code and the SLO definition it names its metrics from', () => {
    expect(sources.some((source) => source.startsWith('service/src/'))).toBe(true);
    expect(sources.some((source) => source.startsWith('model/src/'))).toBe(true);
    expect(sources).toContain('slo/src/definition.ts');
  });

  it('copies each of them in the build stage', () => {
    const copied = copiedIntoBuildStage(dockerfile);
    expect(sources.filter((source) => !under(source, copied))).toEqual([]);
  });

  it('lets each of them through .dockerignore', () => {
    const allowed = allowedByDockerignore(dockerignore);
    expect(sources.filter((source) => !under(source, allowed))).toEqual([]);
  });
});

/** The repository files the build stage's own script (`npm run build:image-context`) imports, found by esbuild. */
async function buildContextScriptSources(): Promise<string[]> {
  const result = await build({
    entryPoints: ['infra/image/build-context.ts'],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

describe('the image build stage receives every source file its build-context script imports', () => {
  it('copies each of them and lets each through .dockerignore', async () => {
    const sources = await buildContextScriptSources();
    expect(sources).toContain('common/cli.ts');
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    const dockerignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8');
    expect(sources.filter((source) => !under(source, copiedIntoBuildStage(dockerfile)))).toEqual([]);
    expect(sources.filter((source) => !under(source, allowedByDockerignore(dockerignore)))).toEqual([]);
  });
});
