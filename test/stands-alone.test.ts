import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A user clones this repository with nothing beside it, so nothing it runs may read a folder outside the clone
 * (our own notes live in a folder beside the repository, which a clone never has), and every fixture a test reads must be tracked.
 */

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
  .split('\0')
  .filter((path) => path !== '' && existsSync(join(REPO_ROOT, path)));

/** Code, scripts and configuration: what runs. Prose (Markdown) may mention anything. */
const RUNS = /\.(ts|mts|mjs|js|json|ya?ml|sh)$|^\.ci\/|Dockerfile$/;
// Built from a name so that this file does not itself contain the paths it looks for.
const NOTES_FOLDER = 'shared';
const OUTSIDE_THE_CLONE = new RegExp(`\\.\\./${NOTES_FOLDER}\\b|\\b${NOTES_FOLDER}/fixtures\\b`);

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [relative(REPO_ROOT, path)];
  });
}

describe('the repository stands alone', () => {
  it('has no code, script, workflow or config that reads our notes folder beside the clone', () => {
    const offenders = tracked
      .filter((path) => RUNS.test(path) && path !== 'package-lock.json')
      .filter((path) => OUTSIDE_THE_CLONE.test(readFileSync(join(REPO_ROOT, path), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('tracks every fixture file in test/fixtures, so a clone has them all', () => {
    const untracked = filesUnder(join(REPO_ROOT, 'test', 'fixtures')).filter(
      (path) => !tracked.includes(path),
    );
    expect(untracked).toEqual([]);
  });
});
