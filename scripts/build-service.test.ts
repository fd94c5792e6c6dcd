import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaEvent } from '../service/src/testing/lambda-events.ts';
import { startServer } from '../service/src/testing/server-process.ts';

/** The bundles as they ship: built with plain node, run with plain node, onnxruntime-node resolved at run time. */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
let outdir: string;

beforeAll(async () => {
  // Inside the repository, so the external onnxruntime-node resolves from its node_modules as in the image.
  outdir = await mkdtemp(join(ROOT, 'dist', 'build-test-'));
  await run(process.execPath, [join(ROOT, 'scripts', 'build-service.mjs'), outdir], { timeout: 60_000 });
}, 90_000);

afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

describe('the service build', () => {
  it.each(['server.mjs', 'lambda.mjs', 'invoke.mjs'])('writes %s', (entry) => {
    expect(existsSync(join(outdir, entry))).toBe(true);
  });

  it('ships a Lambda handler that predicts', async () => {
    const body = JSON.stringify({ area: 'kansai', householdSize: 4, knownUsage: { month: 2, kwh: 520 } });
    const eventPath = join(outdir, 'event.json');
    await writeFile(
      eventPath,
      JSON.stringify(
        lambdaEvent('function-url-post', {
          method: 'POST',
          path: '/predict',
          contentType: 'application/json',
          body,
        }),
      ),
    );

    const { stdout } = await run(
      process.execPath,
      [join(outdir, 'invoke.mjs'), eventPath, join(outdir, 'lambda.mjs')],
      {
        cwd: ROOT,
        timeout: 30_000,
      },
    );

    expect((JSON.parse(stdout) as { statusCode: number }).statusCode).toBe(200);
  });

  it('ships a server that starts and answers', async () => {
    const server = await startServer({}, join(outdir, 'server.mjs'));
    try {
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
