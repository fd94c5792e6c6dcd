import type { ChildProcess } from 'node:child_process';
import { type Agent, request as httpRequest } from 'node:http';
import autocannon from 'autocannon';
import { median, percentile } from '../../common/percentile.ts';
import { localLambdaContext } from '../../service/src/lambda/context.ts';
import type { Layer, LayerSample } from './layers.ts';
import {
  cpuMilliseconds,
  forkChild,
  freePort,
  nextMessage,
  pollUntil,
  rssMegabytes,
  spawnListeningServer,
  spawnServer,
  stop,
} from './processes.ts';

/** Each benchmark of issues 2 and 9, as a function from built files to figures. */

const BENCH_DIR = new URL('./', import.meta.url);
const script = (name: string) => new URL(name, BENCH_DIR).pathname;

/** What the stack sets on the function and the Lambda init requires; the bench's own metrics go nowhere. */
const LAMBDA_ENV = { SHIFTGATE_STAGE: 'bench' };

export interface PredictRequest {
  body: string;
  headers: Record<string, string>;
}

export async function inProcessLatency(handlerPath: string, event: unknown, iterations: number) {
  const child = forkChild(script('in-process.mjs'), [handlerPath], { env: LAMBDA_ENV });
  try {
    const context = localLambdaContext();
    child.send({ event, context, warmup: Math.min(2_000, iterations), iterations });
    const { samples, cpuSamples, cpuMsPerCall } = await nextMessage<{
      samples: number[];
      cpuSamples: number[];
      cpuMsPerCall: number;
    }>(child, 120_000);
    return {
      p50Ms: percentile(samples, 50),
      p99Ms: percentile(samples, 99),
      /** Wall-clock calls over 1 ms, the unit Lambda bills in. */
      shareOverOneMs: samples.filter((ms) => ms > 1).length / samples.length,
      cpuP50Ms: percentile(cpuSamples, 50),
      cpuP99Ms: percentile(cpuSamples, 99),
      cpuMsPerCall,
      iterations,
    };
  } finally {
    await stop(child);
  }
}

export async function lambdaInit(handlerPath: string, runs: number) {
  const imports: number[] = [];
  const totals: number[] = [];
  for (let run = 0; run < runs; run++) {
    const child = forkChild(script('lambda-init.mjs'), [handlerPath], { env: LAMBDA_ENV });
    const { importMs, sinceProcessStartMs } = await nextMessage<{
      importMs: number;
      sinceProcessStartMs: number;
    }>(child, 30_000);
    await stop(child);
    imports.push(importMs);
    totals.push(sinceProcessStartMs);
  }
  return { importMs: median(imports), sinceProcessStartMs: median(totals), runs };
}

/**
 * node:http rather than fetch: fetch loads undici on first use, which would bill the parent's start-up to the
 * server. A kept-alive `agent` makes sequential requests share one connection (bench/platform).
 */
export function post(
  url: string,
  request: PredictRequest,
  agent?: Agent,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      { method: 'POST', headers: request.headers, timeout: 10_000, ...(agent ? { agent } : {}) },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    outgoing.on('error', reject);
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer from ${url} within 10 s`)));
    outgoing.end(request.body);
  });
}

async function answers200(url: string, request: PredictRequest): Promise<boolean> {
  return (await post(url, request)).status === 200;
}

export async function coldStart(serverPath: string, request: PredictRequest, runs: number) {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const { child, port } = await spawnListeningServer(serverPath);
    try {
      if (!(await answers200(`http://127.0.0.1:${port}/predict`, request))) {
        throw new Error(`${serverPath} did not answer its first /predict with 200`);
      }
      times.push(performance.now() - started);
    } finally {
      await stop(child);
    }
  }
  return { medianMs: median(times), maxMs: Math.max(...times), runs };
}

async function load(
  url: string,
  request: PredictRequest,
  options: { connections: number; seconds?: number; amount?: number; serverPid?: number },
) {
  const cpuBefore = options.serverPid === undefined ? 0 : await cpuMilliseconds(options.serverPid);
  const result = await autocannon({
    url,
    method: 'POST',
    body: request.body,
    headers: request.headers,
    connections: options.connections,
    duration: options.seconds ?? 10,
    ...(options.amount === undefined ? {} : { amount: options.amount }),
  });
  const failed = result.errors + result.timeouts + result.non2xx;
  if (failed > 0) throw new Error(`${failed} of ${result.requests.total} requests to ${url} failed`);
  const cpuMs =
    options.serverPid === undefined ? Number.NaN : (await cpuMilliseconds(options.serverPid)) - cpuBefore;
  return {
    rps: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    // Server CPU per request: on unshared cores the throughput ratio tends to the inverse ratio of these.
    serverCpuMsPerRequest: cpuMs / result.requests.total,
  };
}

async function startService(serverPath: string, request: PredictRequest, env: Record<string, string> = {}) {
  const port = await freePort();
  const server = spawnServer(serverPath, port, env);
  const url = `http://127.0.0.1:${port}/predict`;
  try {
    await pollUntil(() => answers200(url, request), 10_000);
  } catch (error) {
    await stop(server);
    throw new Error(`${serverPath} did not answer 200 on ${url} within 10 s`, { cause: error });
  }
  return { server, url };
}

/** A child that answers every POST with `body`: bare-server.mjs or hono-server.mjs. */
export async function startFixedAnswerServer(scriptName: string, body: string) {
  const server = forkChild(script(scriptName));
  server.send({ body });
  const { port } = await nextMessage<{ port: number }>(server, 10_000);
  return { server, url: `http://127.0.0.1:${port}/predict` };
}

/** floor-server.ts over the model in `modelDir`, through tsx (it imports the model's TypeScript). */
export async function startFloorServer(modelDir: string) {
  const server = forkChild(script('floor-server.ts'), [], { execArgv: ['--import', 'tsx'] });
  server.send({ modelDir });
  const { port } = await nextMessage<{ port: number }>(server, 30_000);
  return { server, url: `http://127.0.0.1:${port}/predict` };
}

export interface ServedModel {
  serverPath: string;
  modelDir: string;
}

/**
 * The throughput of each layer under the same load, in `rounds` interleaved rounds (so drifting load on a shared
 * machine hits all of them alike), each server up before any is measured and warmed up for 2 s.
 */
export async function throughputOfLayers(
  served: ServedModel,
  layers: readonly Layer[],
  request: PredictRequest,
  options: { connections: number; seconds: number; rounds: number },
): Promise<LayerSample[]> {
  const { server: probe, url: probeUrl } = await startService(served.serverPath, request);
  const { body: answer } = await post(probeUrl, request).finally(() => stop(probe));
  const servers: { server: ChildProcess; url: string }[] = [];
  try {
    // One at a time, so a server that fails to start leaves only the ones already up for `finally` to stop.
    for (const layer of layers) {
      servers.push(
        layer.kind === 'fixed-answer'
          ? await startFixedAnswerServer(layer.script, answer)
          : layer.kind === 'floor'
            ? await startFloorServer(served.modelDir)
            : await startService(served.serverPath, request, layer.env),
      );
    }
    const { connections, seconds, rounds } = options;
    for (const { url } of servers) await load(url, request, { connections, seconds: 2 });
    const samples: LayerSample[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const [index, layer] of layers.entries()) {
        const { server, url } = servers[index] as (typeof servers)[number];
        const figures = await load(url, request, { connections, seconds, serverPid: server.pid });
        samples.push({
          layer: layer.name,
          rps: figures.rps,
          serverCpuMsPerRequest: figures.serverCpuMsPerRequest,
        });
      }
    }
    return samples;
  } finally {
    await Promise.all(servers.map(({ server }) => stop(server)));
  }
}

export async function rssAfterRequests(serverPath: string, request: PredictRequest, requests: number) {
  const { server, url } = await startService(serverPath, request);
  try {
    const pid = server.pid ?? 0;
    const atStartMb = await rssMegabytes(pid);
    await load(url, request, { connections: 16, amount: requests });
    return { afterMb: await rssMegabytes(pid), atStartMb, requests };
  } finally {
    await stop(server);
  }
}
