import { availableParallelism, cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '../../common/cli.ts';
import { readConfig } from '../../service/src/config.ts';
import { EXAMPLE_PREDICT_REQUEST } from '../../service/src/openapi.ts';
import { LAYERS, renderLayers, summarizeLayers } from './layers.ts';
import { throughputOfLayers } from './measures.ts';

/**
 * `npm run bench:layers [-- --rounds N --seconds S]`: the throughput ratio taken apart. Each layer of the stack
 * (layers.ts) is its own server under the same autocannon load as `npm run bench`, in interleaved rounds so
 * drifting load on a shared machine hits all of them alike.
 */

const CONNECTIONS = 16;
const USAGE = 'npm run bench:layers [-- --rounds 3 --seconds 8]';

function wholeNumber(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} ${raw}: give a whole number ≥ 1`);
  return value;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '8' } },
  });
  const rounds = wholeNumber('rounds', values.rounds);
  const seconds = wholeNumber('seconds', values.seconds);
  process.stderr.write(
    `bench:layers: ${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}, ` +
      `load ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}; ${LAYERS.length} layers × ${rounds} rounds × ${seconds} s\n`,
  );
  const samples = await throughputOfLayers(
    {
      serverPath: resolve('dist/service/server.mjs'),
      modelDir: readConfig(process.env, process.cwd()).modelDir,
    },
    LAYERS,
    { body: JSON.stringify(EXAMPLE_PREDICT_REQUEST), headers: { 'content-type': 'application/json' } },
    { connections: CONNECTIONS, seconds, rounds },
  );
  console.log(renderLayers(summarizeLayers(samples)));
  return 0;
}

await runCli({ name: 'bench:layers', usage: USAGE }, main);
