/**
 * Versions on disk: each is an immutable copy of the image's final stage (build/image-context/<arch>), made by
 * hard links where the file system allows (a version costs no space; the build replaces its files by writing
 * new ones and renaming, never in place, so a linked version keeps its bytes), by copies otherwise, and then
 * made read-only. A copy is assembled beside its destination and renamed into place: a version directory is
 * whole or absent.
 */
import { chmod, copyFile, link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

async function linkOrCopy(source: string, target: string): Promise<void> {
  try {
    await link(source, target);
  } catch {
    // Another device, or a file system without hard links: a plain copy is as immutable once read-only.
    await copyFile(source, target);
  }
}

async function copyTree(source: string, target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  for (const entry of await readdir(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) await copyTree(from, to);
    else if (entry.isFile()) await linkOrCopy(from, to);
  }
}

async function setModes(root: string, directoryMode: number, fileMode: number): Promise<void> {
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) await setModes(path, directoryMode, fileMode);
    else if (entry.isFile()) await chmod(path, fileMode);
  }
  await chmod(root, directoryMode);
}

/** Copies `contextDir` to `versionDir`, read-only; refuses a context without the handler module. */
export async function createVersionDir(contextDir: string, versionDir: string): Promise<void> {
  const handler = join(contextDir, 'lambda.mjs');
  const found = await stat(handler).catch(() => null);
  if (found === null || !found.isFile()) {
    throw new Error(`${handler} does not exist: build the image context first (npm run build:image-context)`);
  }
  const partial = `${versionDir}.partial`;
  await removeVersionDir(partial);
  try {
    await copyTree(contextDir, partial);
    await setModes(partial, 0o555, 0o444);
    await chmod(partial, 0o755);
    await rename(partial, versionDir);
    await chmod(versionDir, 0o555);
  } catch (error) {
    await removeVersionDir(partial);
    throw new Error(`cannot copy ${contextDir} to ${versionDir}`, { cause: error });
  }
}

/** Removes a version directory, read-only as it is. */
export async function removeVersionDir(versionDir: string): Promise<void> {
  const found = await stat(versionDir).catch(() => null);
  if (found === null) return;
  // Directories must be writable again for their entries to be unlinked; the files' own modes do not matter.
  await setModes(versionDir, 0o755, 0o444).catch(() => {});
  await rm(versionDir, { recursive: true, force: true });
}
