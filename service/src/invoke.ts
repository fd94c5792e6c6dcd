import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { localLambdaContext } from './local-lambda-context.ts';

/**
 * `npm run invoke -- event.json [handler.mjs]`: runs the built Lambda handler on one event file and prints its
 * response, as `sam local invoke` does — the function's logs go to stderr, only the response to stdout, so
 * the output can be piped to jq.
 */

const DEFAULT_HANDLER = 'dist/service/lambda.mjs';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

async function readEvent(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read event file ${path}: ${(error as Error).message}; pass a Lambda event JSON file`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`event file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const [eventPath, handlerPath = DEFAULT_HANDLER] = argv;
  if (eventPath === undefined) throw new Error('usage: npm run invoke -- <event.json> [handler.mjs]');
  const event = await readEvent(eventPath);
  const writeResponse = process.stdout.write.bind(process.stdout);
  // Powertools writes its logs to process.stdout; while the handler runs they are sent to stderr instead.
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  const module = (await import(pathToFileURL(resolve(handlerPath)).href)) as { handler?: Handler };
  if (typeof module.handler !== 'function')
    throw new Error(`${handlerPath} exports no function named handler`);
  const response = await module.handler(event, localLambdaContext());
  writeResponse(`${JSON.stringify(response, null, 2)}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
