/**
 * node --import tsx pipeline/src/image-smoke-stand-in.ts HANDLER.mjs EVENT.json ANSWER.json
 *
 * The Lambda runtime of the smoke test's stand-in emulator (image-smoke.test.ts): loads the built handler in the
 * environment this process was started with, and only that (unlike `npm run invoke`, which fills in a stage), runs
 * it on one event and writes what the Runtime Interface Emulator answers: the handler's result, or
 * {errorType, errorMessage} when the module's init or the invocation throws. The test starts it with the
 * container's environment, so a variable the image needs and the container lacks fails here as it fails there.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { localLambdaContext } from '../../service/src/lambda/context.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

async function answer(handlerPath: string, eventPath: string): Promise<unknown> {
  const event: unknown = JSON.parse(await readFile(eventPath, 'utf8'));
  try {
    const module = (await import(pathToFileURL(handlerPath).href)) as { handler?: Handler };
    if (typeof module.handler !== 'function') {
      throw new TypeError(`${handlerPath} exports no function named handler`);
    }
    return await module.handler(event, localLambdaContext());
  } catch (error) {
    const { name = 'Error', message = String(error) } = error instanceof Error ? error : {};
    return { errorType: name, errorMessage: message };
  }
}

const [handlerPath, eventPath, answerPath] = process.argv.slice(2);
if (handlerPath === undefined || eventPath === undefined || answerPath === undefined) {
  throw new Error('usage: image-smoke-stand-in.ts HANDLER.mjs EVENT.json ANSWER.json');
}
await writeFile(answerPath, JSON.stringify(await answer(handlerPath, eventPath)));
