import { lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVersionDir, removeVersionDir, VERSION_DIRECTORY_MODE, VERSION_FILE_MODE } from './versions.ts';

let scratch: string;
let context: string;
let version: string;

/** A small image context: the handler module, a nested package, and a link to a file beside it. */
async function writeContext(handlerText: string): Promise<void> {
  await mkdir(join(context, 'node_modules', 'pkg'), { recursive: true });
  await writeFile(join(context, 'lambda.mjs'), handlerText);
  await writeFile(join(context, 'node_modules', 'pkg', 'index.js'), 'module.exports = 1;\n');
  await writeFile(join(scratch, 'outside.json'), '{"model":1}\n');
  await symlink(join(scratch, 'outside.json'), join(context, 'model.json')).catch(() => {});
}

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'shiftgate-versions-'));
  context = join(scratch, 'context');
  version = join(scratch, 'versions', '1');
  await mkdir(join(scratch, 'versions'));
  await writeContext('export const handler = () => 1;\n');
});

afterEach(async () => {
  await removeVersionDir(version);
  await rm(scratch, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('createVersionDir', () => {
  it('makes a read-only copy and leaves the build folder as it was', async () => {
    const before = await mode(join(context, 'lambda.mjs'));
    await createVersionDir(context, version);
    // Root writes through any mode: the bits are what says a version is not to be changed.
    expect(await mode(join(version, 'lambda.mjs'))).toBe(VERSION_FILE_MODE);
    expect(await mode(join(version, 'node_modules', 'pkg', 'index.js'))).toBe(VERSION_FILE_MODE);
    expect(await mode(version)).toBe(VERSION_DIRECTORY_MODE);
    expect(await mode(join(version, 'node_modules'))).toBe(VERSION_DIRECTORY_MODE);
    // Its own inodes: the build's files keep their mode and a single link.
    expect(await mode(join(context, 'lambda.mjs'))).toBe(before);
    expect(before & 0o200).toBe(0o200);
    expect((await stat(join(version, 'lambda.mjs'))).nlink).toBe(1);
    expect((await stat(join(context, 'lambda.mjs'))).nlink).toBe(1);
    // A link in the context becomes the bytes it points to.
    expect((await lstat(join(version, 'model.json'))).isSymbolicLink()).toBe(false);
    expect(await readFile(join(version, 'model.json'), 'utf8')).toBe('{"model":1}\n');
  });

  it('keeps its files when the context is rebuilt, in place or anew', async () => {
    await createVersionDir(context, version);
    await writeFile(join(context, 'lambda.mjs'), 'export const handler = () => 2;\n');
    await writeFile(join(scratch, 'outside.json'), '{"model":2}\n');
    expect(await readFile(join(version, 'lambda.mjs'), 'utf8')).toBe('export const handler = () => 1;\n');
    await rm(context, { recursive: true });
    await writeContext('export const handler = () => 3;\n');
    expect(await readFile(join(version, 'lambda.mjs'), 'utf8')).toBe('export const handler = () => 1;\n');
    expect(await readFile(join(version, 'model.json'), 'utf8')).toBe('{"model":1}\n');
  });

  it('refuses a context without the handler module and leaves no partial version', async () => {
    await rm(join(context, 'lambda.mjs'));
    await expect(createVersionDir(context, version)).rejects.toThrow(
      /lambda\.mjs does not exist.*build:image-context/,
    );
    await expect(stat(version)).rejects.toThrow(/ENOENT/);
    await expect(stat(`${version}.partial`)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a version that exists already, leaving it whole', async () => {
    await createVersionDir(context, version);
    await expect(createVersionDir(context, version)).rejects.toThrow(/cannot copy/);
    expect(await readFile(join(version, 'lambda.mjs'), 'utf8')).toBe('export const handler = () => 1;\n');
    await expect(stat(`${version}.partial`)).rejects.toThrow(/ENOENT/);
  });
});

describe('removeVersionDir', () => {
  it('removes a read-only version, and nothing when it is absent', async () => {
    await createVersionDir(context, version);
    await removeVersionDir(version);
    await expect(stat(version)).rejects.toThrow(/ENOENT/);
    await removeVersionDir(version);
  });
});
