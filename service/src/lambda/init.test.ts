import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../config.ts';
import { lambdaEvent } from '../testing/lambda-events.ts';

/** A Lambda init that cannot serve must fail at once, naming what is wrong, before any invocation. */

const run = promisify(execFile);
const LAMBDA_ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));
const ARTIFACTS = readConfig(process.env, process.cwd()).modelDir;

async function initWith(env: Record<string, string>) {
  const script = `await import(${JSON.stringify(LAMBDA_ENTRY)});`;
  return run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, SHIFTGATE_STAGE: 'test', ...env },
    timeout: 20_000,
  }).then(
    () => ({ code: 0, stderr: '' }),
    (error: { code: number; stderr: string }) => error,
  );
}

describe('Lambda init', () => {
  it('fails naming the model file when the artifact is missing', async () => {
    const { code, stderr } = await initWith({ MODEL_DIR: '/nonexistent/artifacts' });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/\/nonexistent\/artifacts\/model\.(onnx|card\.json)/);
  });

  it('fails naming the model file when the artifact is corrupt', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'corrupt-model-'));
    await copyFile(join(ARTIFACTS, 'model.card.json'), join(dir, 'model.card.json'));
    await writeFile(join(dir, 'model.onnx'), 'not an onnx model');

    try {
      const { code, stderr } = await initWith({ MODEL_DIR: dir });

      expect(code).not.toBe(0);
      expect(stderr).toContain(join(dir, 'model.onnx'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails naming the variable when the configuration is invalid', async () => {
    const { code, stderr } = await initWith({ PORT: 'eighty' });
    expect(code).not.toBe(0);
    expect(stderr).toContain('PORT="eighty" is not a TCP port');
  });

  it('fails naming SHIFTGATE_STAGE when it is missing, before loading the model', async () => {
    const { code, stderr } = await initWith({ SHIFTGATE_STAGE: '', MODEL_DIR: '/nonexistent/artifacts' });
    expect(code).not.toBe(0);
    expect(stderr).toContain('SHIFTGATE_STAGE is not set');
    expect(stderr).not.toContain('/nonexistent/artifacts');
  });

  it('serves POST /predict from a fresh process', async () => {
    const event = lambdaEvent('function-url-post', {
      method: 'POST',
      path: '/predict',
      contentType: 'application/json',
      body: JSON.stringify({ area: 'tokyo', householdSize: 3, knownUsage: { month: 8, kwh: 420 } }),
    });
    const script = [
      `const { handler } = await import(${JSON.stringify(LAMBDA_ENTRY)});`,
      "const context = { awsRequestId: 'r1', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:1:function:predictor' };",
      `const result = await handler(${JSON.stringify(event)}, context);`,
      'console.error(JSON.stringify({ status: result.statusCode, headers: result.headers }));',
    ].join('\n');
    const { stderr } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, SHIFTGATE_STAGE: 'test' },
      timeout: 20_000,
    });
    expect(JSON.parse(stderr.trim().split('\n').at(-1) ?? '')).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  });
});
