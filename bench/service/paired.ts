import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { runCli } from '../../common/cli.ts';
import { percentile } from '../../common/percentile.ts';
import { localLambdaContext } from '../../service/src/lambda/context.ts';
import type { HttpEvent } from '../../service/src/lambda/event.ts';
import type { HttpResult } from '../../service/src/lambda/result.ts';
import { EXAMPLE_PREDICT_REQUEST } from '../../service/src/openapi.ts';
import { lambdaEvent } from '../../service/src/testing/lambda-events.ts';

/**
 * `npm run bench:paired -- BEFORE.mjs AFTER.mjs [blocks]` (with SHIFTGATE_STAGE set, as on Lambda): an A/B of two built Lambda
 * handlers in ONE process, calls alternating in blocks of 200 (which goes first swaps every block), so load
 * from other work on the machine hits both alike. Separate runs of the in-process bench differ by ±25 µs at
 * p50 on a shared 2-core machine; pairing resolves differences of a few µs. An A/A run is the control.
 * Pipe stdout to /dev/null: it carries the handlers' logs; the figures go to stderr.
 */

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

const BLOCK = 200;
const WARMUP_BLOCKS = 10;

async function handlerOf(path: string, instance: string): Promise<Handler> {
  // A query string makes the second import of the same file a second module instance.
  const module = (await import(`${pathToFileURL(path).href}?${instance}`)) as { handler: Handler };
  return module.handler;
}

async function block(handler: Handler, event: HttpEvent, samples: number[] | undefined): Promise<void> {
  const context = localLambdaContext();
  for (let call = 0; call < BLOCK; call++) {
    const started = performance.now();
    const result = await handler(event, context);
    samples?.push(performance.now() - started);
    if (typeof result !== 'object' || result.statusCode !== 200)
      throw new Error('a handler did not answer 200');
  }
}

async function main(): Promise<number> {
  const [before, after, blocksArgument = '100'] = process.argv.slice(2);
  if (before === undefined || after === undefined)
    throw new Error('give the paths of two built lambda.mjs files');
  const blocks = Number(blocksArgument);
  if (!Number.isInteger(blocks) || blocks < 1)
    throw new Error(`blocks ${blocksArgument}: give a whole number ≥ 1`);
  const handlers = [await handlerOf(before, 'before'), await handlerOf(after, 'after')] as const;
  const event = lambdaEvent('function-url-post', {
    method: 'POST',
    path: '/predict',
    contentType: 'application/json',
    body: JSON.stringify(EXAMPLE_PREDICT_REQUEST),
  }) as unknown as HttpEvent;

  const samples: [number[], number[]] = [[], []];
  for (let round = 0; round < WARMUP_BLOCKS; round++)
    for (const handler of handlers) await block(handler, event, undefined);
  for (let round = 0; round < blocks; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const index of order) await block(handlers[index as 0 | 1], event, samples[index as 0 | 1]);
  }
  const micros = (values: number[], p: number) => (percentile(values, p) * 1000).toFixed(0);
  for (const [name, values] of [
    ['before', samples[0]],
    ['after', samples[1]],
  ] as const) {
    process.stderr.write(
      `${name}: p50 ${micros(values, 50)} µs, p90 ${micros(values, 90)} µs (${values.length} calls)\n`,
    );
  }
  return 0;
}

await runCli({ name: 'bench:paired', usage: 'npm run bench:paired -- BEFORE.mjs AFTER.mjs [blocks]' }, main);
