import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalStageEnv } from '../../infra/image/dockerfile-env.ts';
import {
  judgeSmokeAnswer,
  postUntilAnswered,
  RETRY_INTERVAL_MS,
  type SmokeIo,
  smokeEvent,
} from './image-smoke.ts';
import { smokeResultSchema } from './smoke-result.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RIE_PATH = '/2015-03-31/functions/function/invocations';

describe('smokeEvent', () => {
  it('is the captured Function URL envelope, turned into POST /predict with a JSON body', () => {
    const event = smokeEvent() as {
      rawPath: string;
      requestContext: { http: { method: string } };
      body: string;
    };

    expect(event).toMatchObject({ version: '2.0', rawPath: '/predict', isBase64Encoded: false });
    expect(event.requestContext.http.method).toBe('POST');
    expect(JSON.parse(event.body)).toMatchObject({ area: 'tokyo', knownUsage: { month: 8 } });
  });
});

describe('judgeSmokeAnswer', () => {
  const prediction = JSON.stringify({
    modelVersion: 'm1',
    unit: 'kWh',
    monthly: Array.from({ length: 12 }, (_, index) => ({ month: index + 1, kwh: 300 })),
    annualKwh: 3600,
  });
  it.each([
    {
      name: 'a 200 with twelve months passes',
      status: 200,
      body: JSON.stringify({ statusCode: 200, headers: {}, body: prediction }),
      expected: { ok: true, statusCode: 200, detail: '12 months, 3600 kWh a year, model m1' },
    },
    {
      name: 'a handler result of 400 fails with its body',
      status: 200,
      body: JSON.stringify({ statusCode: 400, body: '{"title":"Bad Request"}' }),
      expected: { ok: false, statusCode: 400, detail: 'POST /predict answered 400: {"title":"Bad Request"}' },
    },
    {
      name: 'a 200 without a prediction fails',
      status: 200,
      body: JSON.stringify({ statusCode: 200, body: '{"status":"ok"}' }),
      expected: {
        ok: false,
        statusCode: 200,
        detail: '200 without a twelve-month prediction: {"status":"ok"}',
      },
    },
    {
      name: 'a thrown handler error fails with its type and message',
      status: 200,
      body: JSON.stringify({ errorType: 'Runtime.ImportModuleError', errorMessage: 'Cannot find module' }),
      expected: {
        ok: false,
        statusCode: null,
        detail: 'the handler threw Runtime.ImportModuleError: Cannot find module',
      },
    },
    {
      name: 'an emulator error fails',
      status: 502,
      body: 'bad gateway',
      expected: { ok: false, statusCode: null, detail: 'the emulator answered HTTP 502: bad gateway' },
    },
  ])('$name', ({ status, body, expected }) => {
    expect(judgeSmokeAnswer(status, body)).toEqual(expected);
  });
});

describe('postUntilAnswered', () => {
  const refused = () =>
    Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
  /** A clock that moves only when the client sleeps: no real time passes in these tests. */
  const fakeIo = (answers: Array<Error | { status: number; text: string }>) => {
    let now = 0;
    const sleeps: number[] = [];
    const io: SmokeIo = {
      post: async () => {
        const next = answers.shift() ?? refused();
        if (next instanceof Error) throw next;
        return next;
      },
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    };
    return { io, sleeps };
  };

  it('retries refused connections while the container starts', async () => {
    const { io, sleeps } = fakeIo([refused(), refused(), { status: 502, text: 'starting' }]);

    const result = await postUntilAnswered('http://rie', 10_000, io);

    expect(result).toMatchObject({ ok: false, attempts: 3, elapsedMs: 2 * RETRY_INTERVAL_MS });
    expect(sleeps).toEqual([RETRY_INTERVAL_MS, RETRY_INTERVAL_MS]);
  });

  it('gives up after the wait, saying why', async () => {
    const { io } = fakeIo([]);

    const result = await postUntilAnswered('http://rie', 2_000, io);

    expect(result).toMatchObject({ ok: false, attempts: 5, statusCode: null });
    expect(result.detail).toMatch(/^no answer within 2 s \(ECONNREFUSED\)/);
  });

  it('does not retry any other failure', async () => {
    const { io } = fakeIo([new TypeError('Invalid URL')]);

    await expect(postUntilAnswered('nonsense', 2_000, io)).rejects.toThrow(/^POST nonsense failed$/);
  });
});

/**
 * What `docker run --env-file F` gives the image's handler: the final stage's `ENV` of the Dockerfile, then the
 * file's lines (`# …` and blank lines skipped). The RIE's own AWS_LAMBDA_* variables are left out: the service
 * reads only AWS_LAMBDA_FUNCTION_VERSION, whose default is the RIE's `$LATEST`.
 */
function containerEnvironment(dockerfile: string, envFile: string): Record<string, string> {
  const pairs = [
    ...Object.entries(finalStageEnv(dockerfile)),
    ...envFile
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .map((line) => {
        const pair = /^(\w+)=(.*)$/.exec(line);
        if (pair === null) throw new Error(`the stand-in reads NAME=value lines only, not: ${line}`);
        return pair.slice(1);
      }),
  ];
  return Object.fromEntries(pairs);
}

/**
 * A stand-in for the Runtime Interface Emulator: the RIE's invocation path, each event run through the REAL
 * bundled handler (lambda.mjs, as the image runs it) by image-smoke-stand-in.ts in exactly the container's
 * environment, the handler's result or error answered as the RIE does.
 */
async function standInEmulator(outdir: string, environment: Record<string, string>) {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== 'POST' || request.url !== RIE_PATH) {
      response.writeHead(404).end();
      return;
    }
    const invocation = join(outdir, `invocation-${randomUUID()}`);
    await writeFile(`${invocation}.event.json`, Buffer.concat(chunks));
    try {
      await run(
        process.execPath,
        [
          '--import',
          'tsx',
          join(ROOT, 'pipeline/src/image-smoke-stand-in.ts'),
          join(outdir, 'lambda.mjs'),
          `${invocation}.event.json`,
          `${invocation}.answer.json`,
        ],
        { cwd: ROOT, env: environment, timeout: 30_000 },
      );
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(await readFile(`${invocation}.answer.json`));
    } catch (error) {
      // The runtime answers the handler's own errors; this is the stand-in itself failing (as the RIE's 5xx).
      response.writeHead(500).end(String(error));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${RIE_PATH}` };
}

const imageSmoke = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', join(ROOT, 'pipeline/src/cli/image-smoke.ts'), ...args], {
    cwd: ROOT,
    timeout: 60_000,
  });

describe('npm run image:smoke against a stand-in emulator running the built handler', () => {
  let outdir: string;
  let dockerfile: string;
  const servers: Server[] = [];

  beforeAll(async () => {
    // Inside the repository, so the external onnxruntime-node resolves from its node_modules as in the image.
    outdir = await mkdtemp(join(ROOT, 'dist', 'smoke-test-'));
    await run(process.execPath, [join(ROOT, 'scripts', 'build-service.mjs'), outdir], { timeout: 60_000 });
    dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
  }, 90_000);

  afterAll(async () => {
    for (const server of servers) server.close();
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  const emulatorWith = async (envFile: string) => {
    const emulator = await standInEmulator(outdir, containerEnvironment(dockerfile, envFile));
    servers.push(emulator.server);
    return emulator.url;
  };

  it("passes and writes the result when the container has the function's environment (as pr.yml runs it)", async () => {
    const envFile = join(outdir, 'smoke.env');
    await run(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'pipeline/src/cli/image-smoke-env.ts'),
        '--stage',
        'prod',
        '--out',
        envFile,
      ],
      { cwd: ROOT, timeout: 30_000 },
    );
    const url = await emulatorWith(await readFile(envFile, 'utf8'));
    const out = join(outdir, 'smoke.json');

    await imageSmoke(['--url', url, '--out', out]);

    const result = smokeResultSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(result).toMatchObject({ ok: true, statusCode: 200, attempts: 1 });
    expect(result.detail).toMatch(/^12 months, \d+ kWh a year, model /);
  });

  it("fails with exit 1, naming the missing variable, when the container has only the image's environment", async () => {
    const url = await emulatorWith('');
    const out = join(outdir, 'no-env.json');

    await expect(imageSmoke(['--url', url, '--out', out])).rejects.toMatchObject({ code: 1 });

    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^the handler threw ConfigError: SHIFTGATE_STAGE is not set/),
    });
  });

  it('fails with exit 1 and says why when nothing answers', async () => {
    const out = join(outdir, 'refused.json');
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });

    const failed = imageSmoke([
      '--url',
      `http://127.0.0.1:${closedPort}${RIE_PATH}`,
      '--wait',
      '0',
      '--out',
      out,
    ]);

    await expect(failed).rejects.toMatchObject({ code: 1 });
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^no answer within 0 s/),
    });
  });
});
