import { availableParallelism, cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { EXAMPLE_PREDICT_REQUEST } from '../src/openapi.ts';
import { LAYERS, renderLayers, summarizeLayers } from './layers.ts';
import { throughputLayers } from './measures.ts';

/**
 * `npm run bench:layers [-- --rounds N --seconds S]`: issue 2's throughput ratio taken apart. Each layer of the
 * stack (layers.ts) is its own server under the same autocannon load as `npm run bench`, in interleaved rounds so
 * drifting load on a shared machine hits all of them alike.
 */

const CONNECTIONS = 16;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a whole number ≥ 1`);
  return value;
}

async function main(): Promise<void> {
  const rounds = option('rounds', 3);
  const seconds = option('seconds', 8);
  process.stderr.write(
    `bench:layers: ${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}, ` +
      `load ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}; ${LAYERS.length} layers × ${rounds} rounds × ${seconds} s\n`,
  );
  const samples = await throughputLayers(
    resolve('dist/service/server.mjs'),
    { body: JSON.stringify(EXAMPLE_PREDICT_REQUEST), headers: { 'content-type': 'application/json' } },
    CONNECTIONS,
    seconds,
    rounds,
  );
  console.log(renderLayers(summarizeLayers(samples)));
}

main().catch((error: unknown) => {
  console.error(`bench:layers failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
