import { mkdir, rename, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { EXAMPLE_PREDICT_REQUEST } from '../src/openapi.ts';
import { lambdaEvent } from '../src/testing/lambda-events.ts';
import { coldStart, inProcessLatency, lambdaInit, rssAfterRequests, throughput } from './measures.ts';
import { judge, renderTable } from './targets.ts';

/**
 * `npm run bench`: builds, then measures the service against the targets of issue 2 and prints a Markdown
 * table for docs/performance.md; the raw figures go to dist/bench/service.json. `-- --check` exits 1 on a miss.
 */

const DIST = resolve('dist/service');
const OUTPUT = resolve('dist/bench/service.json');

const request = {
  body: JSON.stringify(EXAMPLE_PREDICT_REQUEST),
  headers: { 'content-type': 'application/json' },
};

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

async function main(check: boolean): Promise<void> {
  const machine = {
    date: new Date().toISOString(),
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadAverageAtStart: loadavg().map((load) => Number(load.toFixed(2))),
  };
  progress(
    `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}`,
  );
  const handlerPath = join(DIST, 'lambda.mjs');
  const serverPath = join(DIST, 'server.mjs');
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
  progress('HTTP throughput against bare node:http');
  const http = await throughput(serverPath, request, 16, 10);
  progress('RSS after 10k requests');
  const rss = await rssAfterRequests(serverPath, request, 10_000);

  const verdicts = judge({
    inProcessP50Ms: inProcess.p50Ms,
    inProcessP99Ms: inProcess.p99Ms,
    throughputRatio: http.ratio,
    coldStartMs: cold.medianMs,
    lambdaInitMs: init.importMs,
    rssAfter10kMb: rss.afterMb,
  });
  const report = { machine, loadAverageAtEnd: loadavg(), inProcess, init, cold, http, rss, verdicts };
  await mkdir(resolve('dist/bench'), { recursive: true });
  await writeFile(`${OUTPUT}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  await rename(`${OUTPUT}.tmp`, OUTPUT);

  console.log(renderTable(verdicts));
  console.log(
    `\nthroughput: ${http.serviceRps.toFixed(0)} req/s vs bare ${http.bareRps.toFixed(0)} req/s ` +
      `(16 connections, 10 s, autocannon); cold start max ${cold.maxMs.toFixed(0)} ms; ` +
      `init since process start ${init.sinceProcessStartMs.toFixed(0)} ms; RSS at start ${rss.atStartMb.toFixed(0)} MB`,
  );
  console.log(
    `CPU time (robust to a shared machine): ${(inProcess.cpuMsPerCall * 1000).toFixed(0)} µs per in-process call; ` +
      `server ${(http.service.serverCpuMsPerRequest * 1000).toFixed(0)} µs vs bare ${(http.baseline.serverCpuMsPerRequest * 1000).toFixed(0)} µs per request ` +
      `(ratio ${(http.baseline.serverCpuMsPerRequest / http.service.serverCpuMsPerRequest).toFixed(2)})`,
  );
  console.log(`raw figures: ${OUTPUT}`);
  if (check && verdicts.some((verdict) => !verdict.pass)) process.exitCode = 1;
}

main(process.argv.includes('--check')).catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
