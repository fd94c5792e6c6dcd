import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { runCli } from '../../../common/cli.ts';
import { STAGE_ENVIRONMENT_VARIABLE } from '../config.ts';
import { localLambdaContext } from './context.ts';

/**
 * `npm run invoke -- event.json [handler.mjs]`: runs the built Lambda handler on one event file and prints its
 * response, as `sam local invoke` does: the function's logs go to stderr, only the response to stdout, so the
 * output can be piped to jq. The handler runs in a child process whose stdout is this one's stderr, so its
 * Powertools logs land there without touching process.stdout; the response comes back over IPC.
 */

const DEFAULT_HANDLER = 'dist/service/lambda.mjs';
const USAGE = 'usage: npm run invoke -- <event.json> [handler.mjs]';
/** The stage a local invocation's metrics carry, unless SHIFTGATE_STAGE says otherwise. */
const LOCAL_STAGE = 'local';
const CHILD_ARGUMENT = '--handler-child';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

async function readEvent(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read event file ${path}; pass a Lambda event JSON file`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`event file ${path} is not valid JSON`, { cause: error });
  }
}

async function parent(argv: readonly string[]): Promise<number> {
  const [eventPath, handlerPath = DEFAULT_HANDLER] = argv;
  if (eventPath === undefined) throw new Error('no event file given');
  const event = await readEvent(eventPath);
  const child = fork(fileURLToPath(import.meta.url), [CHILD_ARGUMENT, resolve(handlerPath)], {
    stdio: ['ignore', 2, 2, 'ipc'],
    env: { [STAGE_ENVIRONMENT_VARIABLE]: LOCAL_STAGE, ...process.env },
  });
  const exited = once(child, 'exit');
  child.send({ event });
  const [message] = (await Promise.race([once(child, 'message'), exited])) as [unknown];
  const [code] = (await exited) as [number | null];
  if (code !== 0 || typeof message !== 'object' || message === null || !('response' in message)) {
    return code || 1;
  }
  process.stdout.write(`${JSON.stringify(message.response, null, 2)}\n`);
  return 0;
}

async function child(handlerPath: string): Promise<number> {
  const [{ event }] = (await once(process, 'message')) as [{ event: unknown }];
  const module = (await import(pathToFileURL(handlerPath).href)) as { handler?: Handler };
  if (typeof module.handler !== 'function')
    throw new Error(`${handlerPath} exports no function named handler`);
  const response = await module.handler(event, localLambdaContext());
  await new Promise((done) => process.send?.({ response }, done));
  process.disconnect();
  return 0;
}

const [first, ...rest] = process.argv.slice(2);
await (first === CHILD_ARGUMENT
  ? runCli({ name: 'invoke' }, () => child(rest[0] ?? ''))
  : runCli({ name: 'invoke', usage: USAGE }, () => parent(process.argv.slice(2))));
