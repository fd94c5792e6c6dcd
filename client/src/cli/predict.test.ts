/** `npm run predict`, run as npm runs it (node --import tsx), against a real local server; concurrent spawns. */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREDICT_EXIT, parsePredictArgs } from './predict-args.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const household = { area: 'tokyo', householdSize: 3, knownUsage: { month: 8, kwh: 420 } };

function predict(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'client/src/cli/predict.ts', ...args],
      { cwd: repoRoot, env: { ...process.env, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Answers by path: /flaky fails its first request with 503, /bad is a 400, /down always 503; headers are kept. */
let server: Server;
let base: string;
const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
beforeAll(async () => {
  const count = new Map<string, number>();
  server = createServer(async (req, res) => {
    for await (const _ of req);
    const prefix = (req.url ?? '').split('/')[1] ?? '';
    const n = (count.get(prefix) ?? 0) + 1;
    count.set(prefix, n);
    seen.push({ url: req.url ?? '', headers: req.headers });
    const problem = (status: number, title: string, errors: unknown[] = []) =>
      res
        .writeHead(status, { 'content-type': 'application/problem+json' })
        .end(JSON.stringify({ title, status, errors }));
    if (prefix === 'bad') return problem(400, 'Bad Request', [{ path: '/area', message: 'Invalid option' }]);
    if (prefix === 'down' || (prefix === 'flaky' && n === 1)) return problem(503, 'Service Unavailable');
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ modelVersion: 'v', prefix }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('npm run predict', () => {
  it.concurrent('prints the answer and logs the retry on stderr', async () => {
    const run = await predict(['--url', `${base}/flaky`, JSON.stringify(household)]);
    expect(run.code).toBe(PREDICT_EXIT.answered);
    expect(JSON.parse(run.stdout)).toEqual({ modelVersion: 'v', prefix: 'flaky' });
    expect(run.stderr).toMatch(
      /^predict: attempt 1 failed: POST .*\/flaky\/predict answered 503 Service Unavailable; retrying in \d+ ms$/m,
    );
  });

  it.concurrent('exits 2 on a 400 with the field errors, without retrying', async () => {
    const run = await predict(['--url', `${base}/bad`, JSON.stringify(household)]);
    expect(run.code).toBe(PREDICT_EXIT.refused);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('answered 400 Bad Request [/area: Invalid option]');
    expect(run.stderr).not.toContain('retrying');
  });

  it.concurrent('exits 3 when the retries give up', async () => {
    const run = await predict(['--url', `${base}/down`, JSON.stringify([household])]);
    expect(run.code).toBe(PREDICT_EXIT.gaveUp);
    expect(run.stderr).toContain('failed after 4 attempts (attempts exhausted');
    expect(run.stderr.match(/retrying in/g)).toHaveLength(3);
  });

  it.concurrent('signs with --iam from the default credential chain', async () => {
    const run = await predict(['--url', `${base}/signed`, '--iam', JSON.stringify(household)], {
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      AWS_REGION: 'eu-west-1',
    });
    expect(run.code).toBe(PREDICT_EXIT.answered);
    const signed = seen.find((request) => request.url === '/signed/predict');
    expect(signed?.headers.authorization).toMatch(
      /Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/lambda\/aws4_request/,
    );
  });

  it.concurrent('exits 1 with the usage for a request that is not JSON', async () => {
    const run = await predict(['--url', base, '{area:tokyo}']);
    expect(run.code).toBe(PREDICT_EXIT.usage);
    expect(run.stderr).toContain('predict: the request "{area:tokyo}" is not JSON');
    expect(run.stderr).toContain('usage: npm run predict');
  });
});

describe('parsePredictArgs', () => {
  it('reads one household as predict and an array as predictBatch', () => {
    expect(parsePredictArgs(['--url', 'http://x', JSON.stringify(household)])).toEqual({
      url: 'http://x',
      iam: false,
      request: { kind: 'single', household },
    });
    expect(parsePredictArgs(['--iam', '--url', 'http://x', JSON.stringify([household])]).request).toEqual({
      kind: 'batch',
      households: [household],
    });
  });

  it.each([
    [['{}'], '--url is missing'],
    [['--url', 'http://x'], 'expected one JSON argument'],
    [['--url', 'http://x', '3'], 'is not a JSON object or array'],
    [['--url', 'http://x', '--retries', '3', '{}'], "Unknown option '--retries'"],
  ])('refuses %o', (argv, message) => expect(() => parsePredictArgs(argv)).toThrow(message));
});
