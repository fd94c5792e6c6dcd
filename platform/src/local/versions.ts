/**
 * Versions on disk: each is an immutable copy of the image's final stage (build/image-context/<arch>): a real
 * copy, made read-only. Not hard links: a file's mode belongs to its inode, so making a linked version read-only
 * would make the build's own files read-only too, and a build that wrote a file in place would change the
 * version. A copy of the ~45 MB context takes well under a second. It is assembled beside its destination and
 * renamed into place: a version directory is whole or absent.
 */
import { chmod, cp, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A version's files and directories: read (and, for directories, entered) by anyone, written by no one. */
export const VERSION_FILE_MODE = 0o444;
export const VERSION_DIRECTORY_MODE = 0o555;

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
    // dereference: a version holds the bytes, never a link back into the build folder.
    await cp(contextDir, partial, { recursive: true, dereference: true, errorOnExist: true });
    await setModes(partial, VERSION_DIRECTORY_MODE, VERSION_FILE_MODE);
    // Writable for the rename: rename(2) may have to update a directory's `..` entry.
    await chmod(partial, 0o755);
    await rename(partial, versionDir);
    await chmod(versionDir, VERSION_DIRECTORY_MODE);
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
  await setModes(versionDir, 0o755, VERSION_FILE_MODE).catch(() => {});
  await rm(versionDir, { recursive: true, force: true });
}
