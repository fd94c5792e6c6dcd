/**
 * What a published version's environments are given, seen from inside them: a handler that answers with its own
 * process's view, published and invoked through its version URL as any version is.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { finalStageEnv } from '../../../infra/image/dockerfile-env.ts';
import { DAEMON_DEFAULTS } from './daemon-settings.ts';
import { LocalFunction } from './local-function.ts';
import { buildRuntime } from './runtime/build.ts';
import { removeVersionDir } from './versions.ts';

const IMAGE_ENV = finalStageEnv(await readFile(new URL('../../../Dockerfile', import.meta.url), 'utf8'));
/** What the test process itself runs with: an environment must see none of it. */
const PARENT_NODE_OPTIONS = '--max-old-space-size=96';
const PARENT_ONLY = 'SHIFTGATE_TEST_PARENT_ONLY';

let scratch: string;
let fn: LocalFunction;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'shiftgate-local-function-'));
  const state = join(scratch, 'state');
  await mkdir(join(state, 'versions'), { recursive: true });
  await mkdir(join(state, 'logs'), { recursive: true });
  const runtimeFile = join(scratch, 'runtime.mjs');
  await buildRuntime(runtimeFile);
  fn = new LocalFunction({
    stateDir: state,
    runtimeFile,
    maxConcurrency: 2,
    idleTimeoutMs: DAEMON_DEFAULTS.idleTimeoutMs,
    scalingPeriodMs: DAEMON_DEFAULTS.scalingPeriodMs,
    metricPeriodMs: DAEMON_DEFAULTS.metricPeriodMs,
    log: () => {},
  });
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await fn?.close();
  await removeVersionDir(join(scratch, 'state', 'versions'));
  await rm(scratch, { recursive: true, force: true });
});

describe("a published version's environments", () => {
  it("run with the Dockerfile's final-stage ENV, and none of the parent's own", async () => {
    vi.stubEnv('NODE_OPTIONS', PARENT_NODE_OPTIONS);
    vi.stubEnv(PARENT_ONLY, 'leaked');
    const context = join(scratch, 'context');
    await mkdir(context);
    await writeFile(
      join(context, 'lambda.mjs'),
      `export const handler = async () => ({
         nodeOptions: process.env.NODE_OPTIONS ?? null,
         sourceMapsEnabled: process.sourceMapsEnabled,
         parentOnly: process.env.${PARENT_ONLY} ?? null,
       });`,
    );
    const { url } = await fn.publishVersion({ contextDir: context, faults: [] });

    const response = await fetch(url, { method: 'POST', body: '{}' });

    expect(response.status).toBe(200);
    expect(IMAGE_ENV.NODE_OPTIONS).toBe('--enable-source-maps');
    // Node read the image's flag at start-up, as the image's runtime does.
    expect(await response.json()).toEqual({
      nodeOptions: IMAGE_ENV.NODE_OPTIONS,
      sourceMapsEnabled: true,
      parentOnly: null,
    });
  });
});
