/**
 * `npm run lint:openapi`: the OpenAPI document the service serves, linted with Redocly's recommended rules
 * (redocly.yaml). The document is taken from the app itself (GET /openapi.json over the real model, as `npm start`
 * and Lambda build it), written to a temporary file and handed to `redocly lint`; exit non-zero on any error or
 * warning, with Redocly's findings on the terminal.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../common/atomic-write.ts';
import { isEntryPoint, runCli } from '../common/cli.ts';
import { loadPredictor } from '../model/src/predictor.ts';
import { createApp } from '../service/src/app.ts';
import { readConfig } from '../service/src/config.ts';
import type { Observer } from '../service/src/observability.ts';

const SERVED_PATH = '/openapi.json';
/** The repository's Redocly config, wherever the command is run from. */
export const REDOCLY_CONFIG = fileURLToPath(new URL('../redocly.yaml', import.meta.url));
const REDOCLY_CLI = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');

/**
 * The body GET /openapi.json answers, byte for byte, from the app over the model in `modelDir`. A failed request
 * is thrown with the app's own error as its cause: the app answers a bare 500 and keeps the reason for its log.
 */
export async function servedOpenApi(modelDir: string): Promise<string> {
  const errors: unknown[] = [];
  const observer: Observer = {
    requestCompleted: () => {},
    unexpectedError: (_requestId, error) => errors.push(error),
    malformedEvent: (_requestId, error) => errors.push(error),
  };
  const predictor = await loadPredictor(modelDir);
  const app = createApp({ predictor, observer, invocationOf: () => ({ requestId: 'lint-openapi' }) });
  const response = await app.request(SERVED_PATH);
  const body = await response.text();
  if (response.status !== 200) {
    throw new Error(`GET ${SERVED_PATH} answered ${response.status}, not 200: ${body}`, { cause: errors[0] });
  }
  return body;
}

/** Writes the served document into `directory` and returns the file's path. */
export async function writeServedOpenApi(directory: string, modelDir: string): Promise<string> {
  const path = join(directory, 'openapi.json');
  await writeFileAtomic(path, await servedOpenApi(modelDir));
  return path;
}

export interface LintResult {
  /** redocly's exit code: 0 only when the document has no error and no warning under redocly.yaml. */
  code: number;
  /** What redocly printed (stdout, then stderr): its findings, or that the document is valid. */
  output: string;
}

/**
 * Runs `redocly lint` on `documentPath` with `configPath`. REDOCLY_SUPPRESS_NOTIFICATIONS stops the new-version
 * check, which asks registry.npmjs.org when run on a terminal; redocly.yaml turns the usage data off.
 */
export async function redoclyLint(documentPath: string, configPath: string): Promise<LintResult> {
  const child = spawn(process.execPath, [REDOCLY_CLI, 'lint', '--config', configPath, documentPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, REDOCLY_SUPPRESS_NOTIFICATIONS: 'true' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  if (code === null) throw new Error(`redocly lint ${documentPath} was killed by ${signal}:\n${stderr}`);
  return { code, output: stdout + stderr };
}

async function main(): Promise<number> {
  if (process.argv.length > 2) {
    throw new Error(`lint:openapi takes no arguments, not ${process.argv.slice(2).join(' ')}`);
  }
  const { modelDir } = readConfig(process.env, process.cwd());
  const directory = await mkdtemp(join(tmpdir(), 'shiftgate-openapi-'));
  try {
    const { code, output } = await redoclyLint(await writeServedOpenApi(directory, modelDir), REDOCLY_CONFIG);
    process.stdout.write(output);
    return code;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) {
  await runCli({ name: 'lint:openapi', usage: 'usage: npm run lint:openapi' }, main);
}
