/**
 * The one way our command-line entry points end: a thrown value becomes a single stderr line that names the
 * command, followed by its causes, and a non-zero exit code. Commands with exit codes of their own (the SLO gate,
 * the budget report) return them from `main`; anything thrown is a usage or environment problem.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError } from './errors.ts';

export interface CliOptions {
  /** Printed before the message: the npm script's name (`slo:gate`). */
  name: string;
  /** Printed after the message when the command fails, so a wrong flag shows how to call it. */
  usage?: string;
  /** Exit code for a thrown error. Default 1. */
  failureCode?: number;
}

/**
 * Runs `main` and sets `process.exitCode` to what it returns (0 when it returns nothing). Sets the exit code
 * instead of calling process.exit, so pending output is flushed and open handles close on their own.
 */
export async function runCli(
  options: CliOptions,
  main: (() => Promise<number | undefined> | number | undefined) | (() => Promise<void> | void),
): Promise<void> {
  try {
    process.exitCode = (await main()) ?? 0;
  } catch (error) {
    const usage = options.usage === undefined ? '' : `\n${options.usage}`;
    process.stderr.write(`${options.name}: ${describeError(error)}${usage}\n`);
    process.exitCode = options.failureCode ?? 1;
  }
}

/** True when the module whose `import.meta.url` is given is the script node was asked to run. */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && resolve(script) === fileURLToPath(moduleUrl);
}
