import type { ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import autocannon from 'autocannon';
import { LAYERS, type LayerSample } from './layers.ts';
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
import { median, percentile } from './stats.ts';

/** Each benchmark of issue 2, as a function from built files to figures. */

const BENCH_DIR = new URL('./', import.meta.url);
const script = (name: string) => new URL(name, BENCH_DIR).pathname;

export interface PredictRequest {
  body: string;
  headers: Record<string, string>;
}

export async function inProcessLatency(handlerPath: string, event: unknown, iterations: number) {
  const child = forkChild(script('in-process.mjs'), [handlerPath]);
  try {
    child.send({ event, warmup: Math.min(2_000, iterations), iterations });
    const { samples, cpuMsPerCall } = await nextMessage<{ samples: number[]; cpuMsPerCall: number }>(
      child,
      120_000,
    );
    return { p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), cpuMsPerCall, iterations };
  } finally {
    await stop(child);
  }
}

export async function lambdaInit(handlerPath: string, runs: number) {
  const imports: number[] = [];
  const totals: number[] = [];
  for (let run = 0; run < runs; run++) {
    const child = forkChild(script('lambda-init.mjs'), [handlerPath]);
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

/** node:http rather than fetch: fetch loads undici on first use, which would bill the parent's start-up to the server. */
function post(url: string, request: PredictRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      { method: 'POST', headers: request.headers, timeout: 10_000 },
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

/** Both servers up at once and loaded in turn with the same tool and settings, each after its own warm-up. */
export async function throughput(
  serverPath: string,
  request: PredictRequest,
  connections: number,
  seconds: number,
) {
  const { server, url: serviceUrl } = await startService(serverPath, request);
  const { body: answer } = await post(serviceUrl, request);
  const { server: bare, url: bareUrl } = await startFixedAnswerServer('bare-server.mjs', answer);
  try {
    for (const url of [bareUrl, serviceUrl]) await load(url, request, { connections, seconds: 2 });
    const baseline = await load(bareUrl, request, { connections, seconds, serverPid: bare.pid });
    const service = await load(serviceUrl, request, { connections, seconds, serverPid: server.pid });
    return {
      serviceRps: service.rps,
      bareRps: baseline.rps,
      ratio: service.rps / baseline.rps,
      service,
      baseline,
      responseBytes: answer.length,
    };
  } finally {
    await Promise.all([stop(server), stop(bare)]);
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

/**
 * The throughput of each layer of the stack under the same load, in `rounds` interleaved rounds: bare node:http,
 * Hono on its node adapter with a fixed answer, the service with its request log silenced, the service. Says
 * what each layer costs of the bare server's requests/s, which the single ratio of `throughput` cannot.
 */
export async function throughputLayers(
  serverPath: string,
  request: PredictRequest,
  connections: number,
  seconds: number,
  rounds: number,
): Promise<LayerSample[]> {
  const { server: probe, url: probeUrl } = await startService(serverPath, request);
  const { body: answer } = await post(probeUrl, request).finally(() => stop(probe));
  const servers: { server: ChildProcess; url: string }[] = [];
  try {
    // One at a time, so a server that fails to start leaves only the ones already up for `finally` to stop.
    for (const layer of LAYERS) {
      servers.push(
        layer.kind === 'fixed-answer'
          ? await startFixedAnswerServer(layer.script, answer)
          : await startService(serverPath, request, layer.env),
      );
    }
    for (const { url } of servers) await load(url, request, { connections, seconds: 2 });
    const samples: LayerSample[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const [index, layer] of LAYERS.entries()) {
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
