import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { predictionFunctionEnvironment } from '../../infra/lib/function-environment.ts';
import { STAGE_ENVIRONMENT_VARIABLE } from '../../service/src/config.ts';
import { envFileText, functionEnvFile } from './image-smoke-env.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('functionEnvFile', () => {
  it("holds every variable the stack gives the stage's function, the stage among them", () => {
    expect(functionEnvFile('prod')).toBe(envFileText(predictionFunctionEnvironment('prod')));
    expect(functionEnvFile('dev')).toContain(`${STAGE_ENVIRONMENT_VARIABLE}=dev\n`);
  });

  it('refuses a stage infra/config does not know, naming the ones it does', () => {
    expect(() => functionEnvFile('prdo')).toThrow(
      'stage "prdo" is not in infra/config/stages.ts; pass one of dev, prod',
    );
  });
});

describe('envFileText', () => {
  it('writes one NAME=value line each, the value as it is', () => {
    expect(envFileText({ A: 'x y', B_2: '"quoted" = $kept' })).toBe('A=x y\nB_2="quoted" = $kept\n');
    expect(envFileText({})).toBe('');
  });

  it.each([
    ['a value spanning lines', { A: 'one\ntwo' }, 'environment variable A spans lines ("one\\ntwo")'],
    ['a name Docker would misread', { 'A=B': 'x' }, 'environment variable name "A=B" is not a shell'],
  ])('refuses %s', (_case, environment, message) => {
    expect(() => envFileText(environment)).toThrow(message);
  });
});

describe('the image-smoke-env CLI', () => {
  it('exits 1 on an unknown stage, with the usage, and writes nothing', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'image-smoke-env-'));
    try {
      const failed = run(
        process.execPath,
        [
          '--import',
          'tsx',
          join(ROOT, 'pipeline/src/cli/image-smoke-env.ts'),
          '--stage',
          'staging',
          '--out',
          join(directory, 'smoke.env'),
        ],
        { cwd: ROOT, timeout: 30_000 },
      );

      await expect(failed).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/^image-smoke-env: stage "staging" is not in .*\nusage: /),
      });
      expect(await readdir(directory)).toEqual([]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
