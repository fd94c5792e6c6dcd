/**
 * k6 cannot be installed here, so the script runs in Node against recording stand-ins for the k6 modules it
 * imports (bundled by esbuild, as k6 transpiles it). This proves the script's own glue: options from the
 * scenario and slo/, the target URL, cycling through the corpus, counting statuses, writing the summary.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { k6Thresholds, loadTestObjectives } from '../../slo/src/load-test.ts';
import { buildCorpus } from './corpus.ts';
import {
  isBadStatus,
  k6SuccessThresholds,
  minSuccessShare,
  SUCCESS_RATE_METRIC,
  statusMetricName,
} from './k6-contract.ts';
import { nodePlanFor } from './node-runner.ts';
import { K6_REQUEST_TIMEOUT, REQUEST_TIMEOUT_SECONDS, resolveScenarioRun } from './scenarios.ts';

interface Post {
  url: string;
  body: string;
  params: { headers: Record<string, string>; timeout?: string };
}

interface SignCall {
  options: { service: string; region: string; credentials: Record<string, string> };
  request: { method: string; endpoint: string; path: string; headers: Record<string, string>; body: string };
}

interface K6Stub {
  posts: Post[];
  counters: Map<string, number>;
  /** Per Rate metric: [non-zero samples, all samples]. */
  rates: Map<string, [number, number]>;
  responseCallback: unknown;
  nextStatus: number;
  iteration: number;
  signs: SignCall[];
}

const JSLIB_AWS = 'https://jslib.k6.io/aws/0.14.0/signature.js';

const k6Modules: Plugin = {
  name: 'k6-stand-ins',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^(k6(\/.*)?|https:\/\/jslib\.k6\.io\/.*)$/ }, (args) => ({
      path: args.path,
      namespace: 'k6',
    }));
    const sources: Record<string, string> = {
      'k6/http': 'export default globalThis.__k6.http;',
      'k6/execution': 'export default globalThis.__k6.exec;',
      'k6/metrics':
        'export const Counter = globalThis.__k6.Counter; export const Rate = globalThis.__k6.Rate;',
      [JSLIB_AWS]:
        'export const SignatureV4 = globalThis.__k6.SignatureV4; export const Endpoint = globalThis.__k6.Endpoint;',
    };
    pluginBuild.onLoad({ filter: /.*/, namespace: 'k6' }, (args) => ({
      contents: sources[args.path],
      loader: 'js',
    }));
  },
};

async function loadScript(env: Record<string, string>) {
  const stub: K6Stub = {
    posts: [],
    counters: new Map(),
    rates: new Map(),
    responseCallback: null,
    nextStatus: 200,
    iteration: 0,
    signs: [],
  };
  const globals = globalThis as Record<string, unknown>;
  globals.__ENV = env;
  globals.__k6 = {
    http: {
      post: (url: string, body: string, params: Post['params']) => {
        stub.posts.push({ url, body, params });
        stub.iteration += 1;
        return { status: stub.nextStatus };
      },
      setResponseCallback: (callback: unknown) => {
        stub.responseCallback = callback;
      },
      expectedStatuses: (...ranges: unknown[]) => ({ expected: ranges }),
    },
    exec: {
      scenario: {
        get iterationInTest() {
          return stub.iteration;
        },
      },
    },
    Endpoint: class {
      constructor(readonly url: string) {}
    },
    SignatureV4: class {
      constructor(readonly options: SignCall['options']) {}
      sign(request: Omit<SignCall['request'], 'endpoint'> & { endpoint: { url: string } }) {
        stub.signs.push({ options: this.options, request: { ...request, endpoint: request.endpoint.url } });
        return {
          url: `${request.endpoint.url}${request.path}`,
          headers: { ...request.headers, authorization: `signed:${request.body.length}` },
        };
      }
    },
    Counter: class {
      constructor(readonly name: string) {}
      add(value: number) {
        stub.counters.set(this.name, (stub.counters.get(this.name) ?? 0) + value);
      }
    },
    Rate: class {
      constructor(readonly name: string) {}
      add(value: number | boolean) {
        const [trues, total] = stub.rates.get(this.name) ?? [0, 0];
        stub.rates.set(this.name, [trues + (value ? 1 : 0), total + 1]);
      }
    },
  };
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('../k6/predict.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    plugins: [k6Modules],
  });
  const file = join(await mkdtemp(join(tmpdir(), 'k6-script-')), 'predict.mjs');
  await writeFile(file, bundle.outputFiles[0]?.text ?? '');
  const script = (await import(pathToFileURL(file).href)) as {
    options: { scenarios: Record<string, { rate: number; duration: string }>; thresholds: unknown };
    default: () => void;
    handleSummary: (data: unknown) => Record<string, string>;
  };
  return { script, stub };
}

afterEach(() => {
  const globals = globalThis as Record<string, unknown>;
  delete globals.__ENV;
  delete globals.__k6;
});

describe('loadtest/k6/predict.ts', () => {
  it('builds its options from the scenario, the -e overrides and the SLO thresholds', async () => {
    const { script } = await loadScript({ SCENARIO: 'pr', TARGET: 'http://127.0.0.1:3000', RATE: '30' });
    expect(script.options.scenarios.pr).toMatchObject({ rate: 30, duration: '60s' });
    expect(script.options.thresholds).toEqual({
      ...k6Thresholds(),
      ...k6SuccessThresholds(minSuccessShare(loadTestObjectives())),
    });
  });

  it.each([
    ['403 everywhere (an unsigned request to an AWS_IAM URL)', [403], false],
    ['422 for 1 % of a valid corpus', [...Array<number>(99).fill(200), 422], false],
    ['no answer at all (every request timed out)', [0], false],
    ['200 everywhere', [200], true],
  ])('fails its thresholds on %s, as the Node gate does', async (_case, statuses, passes) => {
    const { script, stub } = await loadScript({ TARGET: 'http://127.0.0.1:3000' });
    for (let request = 0; request < 1_000; request++) {
      stub.nextStatus = statuses[request % statuses.length] as number;
      script.default();
    }
    // What k6 computes for the two thresholds the 2xx share adds (its `rate` and `count` variables).
    const [trues, total] = stub.rates.get(SUCCESS_RATE_METRIC) ?? [0, 0];
    const values: Record<string, number> = {
      [SUCCESS_RATE_METRIC]: trues / total,
      [statusMetricName(200)]: stub.counters.get(statusMetricName(200)) ?? 0,
    };
    const thresholds = script.options.thresholds as Record<string, string[]>;
    const held = Object.keys(values).every((metric) =>
      (thresholds[metric] ?? []).every((expression) => {
        const [, operator, bound] = /^(?:rate|count)(>=|>)([\d.]+)$/.exec(expression) ?? [];
        const value = values[metric] as number;
        return operator === '>=' ? value >= Number(bound) : value > Number(bound);
      }),
    );
    expect(thresholds[SUCCESS_RATE_METRIC]).toEqual([
      `rate>=${loadTestObjectives().availability.minGoodRatio}`,
    ]);
    expect(held).toBe(passes);
  });

  it('expects exactly the statuses the Node runner calls good: 5xx, 429 and transport failures are failed', async () => {
    const { stub } = await loadScript({ TARGET: 'http://127.0.0.1:3000' });
    const { expected } = stub.responseCallback as { expected: { min: number; max: number }[] };
    const badStatusFrom = loadTestObjectives().availability.badStatusFrom;
    // 0 is k6's transport failure; 100-599 every status HTTP defines.
    for (const status of [0, ...Array.from({ length: 500 }, (_, i) => 100 + i)]) {
      const k6Expected = expected.some(({ min, max }) => status >= min && status <= max);
      expect([status, k6Expected]).toEqual([status, !isBadStatus(status, badStatusFrom)]);
    }
    expect(expected.some(({ min, max }) => 429 >= min && 429 <= max)).toBe(false);
  });

  it('sets the request timeout the Node runner uses: one number, both runners', async () => {
    const { script, stub } = await loadScript({ TARGET: 'http://127.0.0.1:3000' });
    script.default();
    const nodePlan = nodePlanFor(resolveScenarioRun({ scenario: 'pr' }), 'http://127.0.0.1:3000');
    expect(stub.posts[0]?.params.timeout).toBe(K6_REQUEST_TIMEOUT);
    expect(K6_REQUEST_TIMEOUT).toBe(`${nodePlan.requestTimeoutMs / 1_000}s`);
    expect(nodePlan.requestTimeoutMs).toBe(REQUEST_TIMEOUT_SECONDS * 1_000);
  });

  it('signs each request with SigV4 for service lambda over the exact body it posts, when SIGV4_REGION is set', async () => {
    const { script, stub } = await loadScript({
      TARGET: 'https://abc.lambda-url.eu-west-1.on.aws/',
      SIGV4_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
    });
    script.default();
    const body = JSON.stringify(buildCorpus()[0]);
    expect(stub.signs).toEqual([
      {
        options: {
          service: 'lambda',
          region: 'eu-west-1',
          credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
        },
        request: {
          method: 'POST',
          endpoint: 'https://abc.lambda-url.eu-west-1.on.aws',
          path: '/predict',
          headers: { 'content-type': 'application/json' },
          body,
        },
      },
    ]);
    expect(stub.posts[0]).toMatchObject({
      url: 'https://abc.lambda-url.eu-west-1.on.aws/predict',
      body,
      params: { headers: { authorization: `signed:${body.length}` } },
    });
  });

  it('sends unsigned requests when SIGV4_REGION is not set', async () => {
    const { script, stub } = await loadScript({ TARGET: 'http://127.0.0.1:3000' });
    script.default();
    expect(stub.signs).toEqual([]);
    expect(stub.posts[0]?.params.headers).toEqual({ 'content-type': 'application/json' });
  });

  it('posts the corpus in order to TARGET/predict and counts each status', async () => {
    const { script, stub } = await loadScript({ TARGET: 'https://abc.lambda-url.example/' });
    script.default();
    script.default();
    stub.nextStatus = 503;
    script.default();
    stub.nextStatus = 429;
    script.default();
    stub.nextStatus = 418;
    script.default();

    const corpus = buildCorpus().map((body) => JSON.stringify(body));
    expect(stub.posts.map(({ url, body }) => ({ url, body }))).toEqual(
      corpus.slice(0, 5).map((body) => ({ url: 'https://abc.lambda-url.example/predict', body })),
    );
    expect(Object.fromEntries(stub.counters)).toEqual({
      shiftgate_status_200: 2,
      shiftgate_status_503: 1,
      shiftgate_status_429: 1,
      shiftgate_status_other: 1,
    });
  });

  it('writes the raw summary where SUMMARY_PATH says', async () => {
    const { script } = await loadScript({
      TARGET: 'http://127.0.0.1:3000',
      SUMMARY_PATH: '/tmp/x/summary.json',
    });
    const files = script.handleSummary({ metrics: { http_reqs: { values: { count: 1 } } } });
    expect(JSON.parse(files['/tmp/x/summary.json'] ?? '')).toEqual({
      metrics: { http_reqs: { values: { count: 1 } } },
    });
  });

  it.each([
    [{}, 'TARGET is required'],
    [{ TARGET: 'http://127.0.0.1:3000', SCENARIO: 'soak' }, 'unknown scenario "soak"'],
    [
      { TARGET: 'http://127.0.0.1:3000', SIGV4_REGION: 'eu-west-1' },
      'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not',
    ],
  ])('refuses to start with %j', async (env, message) => {
    await expect(loadScript(env)).rejects.toThrow(message);
  });
});
