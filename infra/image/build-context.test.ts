import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictResponse } from '../../service/src/schema.ts';
import { lambdaEvent } from '../../service/src/testing/lambda-events.ts';
import { IMAGE_CONTEXT_BUDGET_BYTES, type LambdaArchitecture } from './architecture.ts';
import {
  HANDLER_FILE,
  HANDLER_SOURCE_MAP,
  LAMBDA_HANDLER,
  MODEL_ARTIFACT_DIR,
  MODEL_FILES,
} from './context-plan.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILD_TIMEOUT_MS = 180_000;

function buildContext(architecture: LambdaArchitecture, outDir: string, skipServiceBuild: boolean): void {
  const args = ['--import', 'tsx', 'infra/image/build-context.ts', '--arch', architecture, '--out', outDir];
  const result = spawnSync(process.execPath, skipServiceBuild ? [...args, '--skip-service-build'] : args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`build-context failed:\n${result.stdout}\n${result.stderr}`);
}

function filesUnder(root: string): { path: string; bytes: number }[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const absolute = join(entry.parentPath, entry.name);
      return { path: relative(root, absolute), bytes: statSync(absolute).size };
    });
}

const totalBytes = (files: { bytes: number }[]) => files.reduce((sum, file) => sum + file.bytes, 0);

/** Every folder a module lookup from `dir` would try after `dir/node_modules`. */
function ancestorNodeModules(dir: string): string[] {
  const found: string[] = [];
  for (let current = dirname(dir); ; current = dirname(current)) {
    if (existsSync(join(current, 'node_modules'))) found.push(join(current, 'node_modules'));
    if (current === parse(current).root) return found;
  }
}

/** Loads the handler the way the Lambda runtime does (import of <task root>/lambda.mjs) and prints its answer. */
const HARNESS = `
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [file, exportName] = ${JSON.stringify(LAMBDA_HANDLER.split('.'))};
const module = await import(pathToFileURL(process.cwd() + '/' + file + '.mjs').href);
const context = {
  awsRequestId: 'image-context-test', functionName: 'shiftgate', functionVersion: '1',
  invokedFunctionArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:shiftgate:live',
  memoryLimitInMB: '1024', logGroupName: '/aws/lambda/shiftgate', logStreamName: 'test',
  callbackWaitsForEmptyEventLoop: false, getRemainingTimeInMillis: () => 5000,
};
const result = await module[exportName](JSON.parse(readFileSync(0, 'utf8')), context);
process.stdout.write('\\nRESULT ' + JSON.stringify(result) + '\\n');
`;

describe('the image context (the final stage of the Lambda image)', () => {
  const root = mkdtempSync(join(tmpdir(), 'shiftgate-image-context-'));
  const contexts = { x86_64: join(root, 'x86_64'), arm64: join(root, 'arm64') };
  beforeAll(() => {
    buildContext('x86_64', contexts.x86_64, false);
    buildContext('arm64', contexts.arm64, true);
  }, BUILD_TIMEOUT_MS);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(['x86_64', 'arm64'] as const)('fits the %s budget', (architecture) => {
    const bytes = totalBytes(filesUnder(contexts[architecture]));
    expect(bytes).toBeLessThanOrEqual(IMAGE_CONTEXT_BUDGET_BYTES[architecture]);
  });

  it.each([
    { architecture: 'x86_64', kept: 'linux/x64/', dropped: /linux\/arm64\/|darwin|win32/ },
    { architecture: 'arm64', kept: 'linux/arm64/', dropped: /linux\/x64\/|darwin|win32/ },
  ] as const)('holds only the $architecture native binaries', ({ architecture, kept, dropped }) => {
    const binaries = filesUnder(contexts[architecture])
      .map((file) => file.path)
      .filter((path) => path.includes('/bin/'));
    expect(binaries.length).toBeGreaterThan(0);
    expect(binaries.every((path) => path.includes(kept) && !dropped.test(path))).toBe(true);
  });

  it('holds the bundle and its source map, the model artifact and onnxruntime, and no training data, sources, other maps or types', () => {
    const paths = filesUnder(contexts.x86_64).map((file) => file.path);
    const expectedModel = MODEL_FILES.map((file) => `${MODEL_ARTIFACT_DIR}/${file}`);
    expect(paths).toEqual(expect.arrayContaining([HANDLER_FILE, HANDLER_SOURCE_MAP, ...expectedModel]));
    const bundle = readFileSync(join(contexts.x86_64, HANDLER_FILE), 'utf8');
    expect(bundle.trimEnd().endsWith(`//# sourceMappingURL=${HANDLER_SOURCE_MAP}`)).toBe(true);
    const unexpected = paths.filter(
      (path) =>
        path !== HANDLER_FILE &&
        path !== HANDLER_SOURCE_MAP &&
        !expectedModel.includes(path) &&
        !/^node_modules\/onnxruntime-(node|common)\//.test(path),
    );
    expect(unexpected).toEqual([]);
    expect(
      paths.filter(
        (path) => path !== HANDLER_SOURCE_MAP && /model\/data|\.csv$|\.ts$|\.map$|\.md$/.test(path),
      ),
    ).toEqual([]);
  });

  it('answers a real Function URL POST /predict event with node alone, nothing else on its module path', () => {
    const dir = contexts.x86_64;
    expect(ancestorNodeModules(dir)).toEqual([]);
    const event = lambdaEvent('function-url-post', {
      method: 'POST',
      path: '/predict',
      contentType: 'application/json',
      body: JSON.stringify({ area: 'tokyo', householdSize: 3, knownUsage: { month: 8, kwh: 420 } }),
    });
    // An empty environment: no NODE_PATH, no NODE_OPTIONS (so no tsx loader), no MODEL_DIR; only the stage
    // name that the stack sets and the metrics require.
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', HARNESS], {
      cwd: dir,
      env: { SHIFTGATE_STAGE: 'test' },
      input: JSON.stringify(event),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const resultLine = run.stdout.split('\n').find((line) => line.startsWith('RESULT '));
    const result = JSON.parse(resultLine?.slice('RESULT '.length) ?? 'null') as {
      statusCode: number;
      body: string;
    };
    expect(result.statusCode).toBe(200);
    expect(predictResponse.parse(JSON.parse(result.body)).monthly).toHaveLength(12);
  });
});
