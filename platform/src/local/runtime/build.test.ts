import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime } from './build.ts';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'shiftgate-runtime-build-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('buildRuntime', () => {
  it('writes one self-contained ESM file: nothing imported but Node built-ins', async () => {
    const outFile = join(scratch, 'nested', 'runtime.mjs');
    await buildRuntime(outFile);
    const source = await readFile(outFile, 'utf8');
    const imported = [...source.matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']/g)].map(
      (match) => match[1] ?? match[2],
    );
    expect(imported.length).toBeGreaterThan(0);
    for (const specifier of imported) expect(specifier).toMatch(/^node:/);
    // Nothing half-written beside it.
    expect(await readdir(join(scratch, 'nested'))).toEqual(['runtime.mjs']);
  });

  it('makes a runtime that plain node runs, and that names what it lacks when started by hand', async () => {
    const outFile = join(scratch, 'runtime.mjs');
    await buildRuntime(outFile);
    const run = spawnSync(process.execPath, [outFile], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('SHIFTGATE_RUNTIME_CONFIG is not set');
  });
});
