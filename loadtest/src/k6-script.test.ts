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
import { k6Thresholds } from '../../slo/src/load-test.ts';
import { buildCorpus } from './corpus.ts';

interface Post {
  url: string;
  body: string;
}

interface K6Stub {
  posts: Post[];
  counters: Map<string, number>;
  responseCallback: unknown;
  nextStatus: number;
  iteration: number;
}

const k6Modules: Plugin = {
  name: 'k6-stand-ins',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^k6(\/.*)?$/ }, (args) => ({ path: args.path, namespace: 'k6' }));
    const sources: Record<string, string> = {
      'k6/http': 'export default globalThis.__k6.http;',
      'k6/execution': 'export default globalThis.__k6.exec;',
      'k6/metrics': 'export const Counter = globalThis.__k6.Counter;',
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
    responseCallback: null,
    nextStatus: 200,
    iteration: 0,
  };
  const globals = globalThis as Record<string, unknown>;
  globals.__ENV = env;
  globals.__k6 = {
    http: {
      post: (url: string, body: string) => {
        stub.posts.push({ url, body });
        stub.iteration += 1;
        return { status: stub.nextStatus };
      },
      setResponseCallback: (callback: unknown) => {
        stub.responseCallback = callback;
      },
      expectedStatuses: (range: unknown) => ({ expected: range }),
    },
    exec: {
      scenario: {
        get iterationInTest() {
          return stub.iteration;
        },
      },
    },
    Counter: class {
      constructor(readonly name: string) {}
      add(value: number) {
        stub.counters.set(this.name, (stub.counters.get(this.name) ?? 0) + value);
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
    expect(script.options.thresholds).toEqual(k6Thresholds());
  });

  it('declares 4xx as expected, so only 5xx and transport failures are http_req_failed', async () => {
    const { stub } = await loadScript({ TARGET: 'http://127.0.0.1:3000' });
    expect(stub.responseCallback).toEqual({ expected: { min: 200, max: 499 } });
  });

  it('posts the corpus in order to TARGET/predict and counts each status', async () => {
    const { script, stub } = await loadScript({ TARGET: 'https://abc.lambda-url.example/' });
    script.default();
    script.default();
    stub.nextStatus = 503;
    script.default();
    stub.nextStatus = 418;
    script.default();

    const corpus = buildCorpus().map((body) => JSON.stringify(body));
    expect(stub.posts).toEqual(
      corpus.slice(0, 4).map((body) => ({ url: 'https://abc.lambda-url.example/predict', body })),
    );
    expect(Object.fromEntries(stub.counters)).toEqual({
      shiftgate_status_200: 2,
      shiftgate_status_503: 1,
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
  ])('refuses to start with %j', async (env, message) => {
    await expect(loadScript(env)).rejects.toThrow(message);
  });
});
