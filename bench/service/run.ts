import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.ts';
import { runCli } from '../../common/cli.ts';
import { readConfig } from '../../service/src/config.ts';
import { EXAMPLE_PREDICT_REQUEST } from '../../service/src/openapi.ts';
import { lambdaEvent } from '../../service/src/testing/lambda-events.ts';
import { describeMachine, machineLine } from '../machine.ts';
import { layersNamed, RATIO_LAYERS, ratioOf, renderLayers, summarizeLayers } from './layers.ts';
import { coldStart, inProcessLatency, lambdaInit, rssAfterRequests, throughputOfLayers } from './measures.ts';
import { judge, renderTable } from './targets.ts';

/**
 * `npm run bench`: builds, then measures the service against its performance targets and prints Markdown
 * tables for docs/performance.md; the raw figures go to dist/bench/service.json. `-- --check` exits 1 on a miss.
 */

const DIST = resolve('dist/service');
const OUTPUT = resolve('dist/bench/service.json');
const THROUGHPUT = { connections: 16, seconds: 8, rounds: 2 };

const request = {
  body: JSON.stringify(EXAMPLE_PREDICT_REQUEST),
  headers: { 'content-type': 'application/json' },
};

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

async function main(check: boolean): Promise<number> {
  const machine = describeMachine();
  progress(machineLine(machine));
  const handlerPath = join(DIST, 'lambda.mjs');
  const serverPath = join(DIST, 'server.mjs');
  const { modelDir } = readConfig(process.env, process.cwd());
  const event = lambdaEvent('function-url-post', {
    method: 'POST',
    path: '/predict',
    contentType: 'application/json',
    body: request.body,
  });

  progress('in-process latency through the Lambda handler');
  const inProcess = await inProcessLatency(handlerPath, event, 20_000);
  progress('Lambda-style init');
  const init = await lambdaInit(handlerPath, 7);
  progress('cold start of the server');
  const cold = await coldStart(serverPath, request, 7);
  progress('HTTP throughput against the floor, with and without micro-batching');
  const throughput = summarizeLayers(
    await throughputOfLayers({ serverPath, modelDir }, layersNamed(RATIO_LAYERS), request, THROUGHPUT),
  );
  progress('RSS after 10k requests');
  const rss = await rssAfterRequests(serverPath, request, 10_000);

  const verdicts = judge({
    inProcessP50Ms: inProcess.p50Ms,
    inProcessP99Ms: inProcess.p99Ms,
    throughputRatio: ratioOf(throughput, 'service'),
    coldStartMs: cold.medianMs,
    lambdaInitMs: init.importMs,
    rssAfter10kMb: rss.afterMb,
  });
  const report = { machine, loadAverageAtEnd: loadavg(), inProcess, init, cold, throughput, rss, verdicts };
  await writeFileAtomic(OUTPUT, `${JSON.stringify(report, null, 2)}\n`);

  console.log(renderTable(verdicts));
  console.log(
    `\nthroughput (autocannon, ${THROUGHPUT.connections} connections, ${THROUGHPUT.rounds} interleaved rounds of ` +
      `${THROUGHPUT.seconds} s):\n${renderLayers(throughput)}`,
  );
  console.log(
    `\ncold start max ${cold.maxMs.toFixed(0)} ms; init since process start ${init.sinceProcessStartMs.toFixed(0)} ms; ` +
      `RSS at start ${rss.atStartMb.toFixed(0)} MB; ` +
      `CPU time per in-process call ${(inProcess.cpuMsPerCall * 1000).toFixed(0)} µs (robust to a shared machine)`,
  );
  console.log(
    `in-process CPU time per call (what it takes on a core of its own): p50 ${(inProcess.cpuP50Ms * 1000).toFixed(0)} µs, ` +
      `p99 ${(inProcess.cpuP99Ms * 1000).toFixed(0)} µs; wall-clock calls over 1 ms: ` +
      `${(inProcess.shareOverOneMs * 100).toFixed(2)} %`,
  );
  console.log(`raw figures: ${OUTPUT}`);
  return check && verdicts.some((verdict) => !verdict.pass) ? 1 : 0;
}

await runCli({ name: 'bench', usage: 'npm run bench [-- --check]' }, () =>
  main(process.argv.includes('--check')),
);
