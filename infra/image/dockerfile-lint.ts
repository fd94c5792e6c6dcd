/**
 * `npm run lint:dockerfile [-- PATH]`: static checks of the Dockerfile, offline and without a Docker engine.
 * Two layers: dockerfile-utils (the linter behind VS Code's Docker support: syntax, unknown instructions and
 * flags, duplicate CMD...) with every rule raised to an error, then this project's own rules, which keep the
 * image reproducible and tied to build-context.ts.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationSeverity, type ValidatorSettings, validate } from 'dockerfile-utils';
import { isEntryPoint, runCli } from '../../common/cli.ts';
import { HANDLER_SOURCE_MAP, LAMBDA_HANDLER, NODE_OPTIONS_FLAGS } from './context-plan.ts';

export interface DockerfileFinding {
  /** 1-based. */
  readonly line: number;
  readonly message: string;
}

const EVERY_RULE_IS_AN_ERROR: Required<ValidatorSettings> = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

interface Instruction {
  readonly line: number;
  readonly keyword: string;
  readonly args: string;
}

function parseInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const start = index;
    let logical = lines[index] ?? '';
    while (logical.trimEnd().endsWith('\\') && index + 1 < lines.length) {
      logical = `${logical.trimEnd().slice(0, -1)} ${lines[++index] ?? ''}`;
    }
    const trimmed = logical.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const [keyword = '', ...rest] = trimmed.split(/\s+/);
    instructions.push({ line: start + 1, keyword: keyword.toUpperCase(), args: rest.join(' ') });
  }
  return instructions;
}

/** Exec-form arguments re-serialised, so spacing does not matter; undefined for shell form. */
function normalizedJson(args: string): string | undefined {
  try {
    return JSON.stringify(JSON.parse(args));
  } catch {
    return undefined;
  }
}

const DIGEST = /@sha256:[0-9a-f]{64}$/;
const FINAL_BASE = /^public\.ecr\.aws\/lambda\/nodejs:22@sha256:[0-9a-f]{64}$/;

/** The project's rules, over parsed instructions: pure, so each rule has a table test. */
export function projectFindings(text: string): DockerfileFinding[] {
  const instructions = parseInstructions(text);
  const findings: DockerfileFinding[] = [];
  const globalArgs = new Map<string, string>();
  const stageNames = new Set<string>();
  const stages: Instruction[][] = [];

  for (const instruction of instructions) {
    if (instruction.keyword === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = instruction.args.split('=', 2);
      globalArgs.set(name, value);
    }
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const image = (words[0] ?? '').replace(
        /\$\{?(\w+)\}?/g,
        (_, name: string) => globalArgs.get(name) ?? '',
      );
      if (!stageNames.has(image) && !DIGEST.test(image)) {
        findings.push({
          line: instruction.line,
          message: `FROM ${words[0]} resolves to "${image}", not pinned: add @sha256:<digest> (see the bump note at the top).`,
        });
      }
      if (words[1]?.toUpperCase() === 'AS' && words[2] !== undefined) stageNames.add(words[2]);
      stages.push([{ ...instruction, args: image }]);
      continue;
    }
    stages.at(-1)?.push(instruction);
  }

  const final = stages.at(-1);
  if (final === undefined) return [...findings, { line: 1, message: 'No FROM instruction.' }];
  const [from, ...body] = final;
  if (from !== undefined && !FINAL_BASE.test(from.args)) {
    findings.push({
      line: from.line,
      message: `The final stage starts from "${from.args}": it must be the Lambda Node.js 22 base image, pinned by digest.`,
    });
  }
  for (const instruction of body) {
    const copiesOnlyTheContext =
      instruction.keyword === 'COPY' &&
      /--from=\S+/.test(instruction.args) &&
      /\s\/image-context(\/|\s)/.test(` ${instruction.args}`);
    if (['COPY', 'ADD', 'RUN'].includes(instruction.keyword) && !copiesOnlyTheContext) {
      findings.push({
        line: instruction.line,
        message: `${instruction.keyword} in the final stage: its content must come only from /image-context (build-context.ts).`,
      });
    }
  }
  // The map without the flag, or the flag without the map, leaves CloudWatch stack traces minified.
  const nodeOptions = body
    .filter((instruction) => instruction.keyword === 'ENV' && /^NODE_OPTIONS=/.test(instruction.args))
    .at(-1);
  if (nodeOptions?.args.replace(/^NODE_OPTIONS=/, '').replace(/^"(.*)"$/, '$1') !== NODE_OPTIONS_FLAGS) {
    findings.push({
      line: nodeOptions?.line ?? from?.line ?? 1,
      message: `The final stage must set ENV NODE_OPTIONS=${NODE_OPTIONS_FLAGS} (NODE_OPTIONS_FLAGS in infra/image/context-plan.ts), so stack traces read through ${HANDLER_SOURCE_MAP}.`,
    });
  }
  if (
    !body.some(
      (instruction) =>
        instruction.keyword === 'COPY' && instruction.args.includes(`/image-context/${HANDLER_SOURCE_MAP}`),
    )
  ) {
    findings.push({
      line: from?.line ?? 1,
      message: `The final stage must copy /image-context/${HANDLER_SOURCE_MAP} beside the handler (HANDLER_SOURCE_MAP in infra/image/context-plan.ts).`,
    });
  }
  const cmd = body.filter((instruction) => instruction.keyword === 'CMD').at(-1);
  const expected = JSON.stringify([LAMBDA_HANDLER]);
  if (cmd === undefined || normalizedJson(cmd.args) !== expected) {
    findings.push({
      line: cmd?.line ?? from?.line ?? 1,
      message: `The final stage's CMD must be ${expected} (LAMBDA_HANDLER in infra/image/context-plan.ts).`,
    });
  }
  return findings;
}

export function lintDockerfile(text: string): DockerfileFinding[] {
  const generic = validate(text, EVERY_RULE_IS_AN_ERROR).map((diagnostic) => ({
    line: diagnostic.range.start.line + 1,
    message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
  }));
  return [...generic, ...projectFindings(text)].sort((a, b) => a.line - b.line);
}

async function main(): Promise<number> {
  const path = resolve(process.argv[2] ?? fileURLToPath(new URL('../../Dockerfile', import.meta.url)));
  const findings = lintDockerfile(await readFile(path, 'utf8'));
  for (const finding of findings) console.error(`${path}:${finding.line}: ${finding.message}`);
  if (findings.length > 0) return 1;
  console.log(`${path}: no findings`);
  return 0;
}

if (isEntryPoint(import.meta.url)) await runCli({ name: 'lint:dockerfile' }, main);
