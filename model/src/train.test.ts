import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACT_FILES } from './card.ts';

const run = promisify(execFile);
const TRAIN = resolve(import.meta.dirname, 'train.ts');
const SMALL = ['--seed', '7', '--household-years', '3000'];

async function train(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', TRAIN, ...args], {
      cwd: resolve(import.meta.dirname, '..', '..'),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run train', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'shiftgate-train-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('writes exactly model.onnx and model.card.json, then --check accepts them and rejects an edited card', async () => {
    const written = await train([...SMALL, '--out', out]);
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/held-out MAPE: model [\d.]+ %, flat [\d.]+ %, coefficients [\d.]+ %/);
    expect((await readdir(out)).sort()).toEqual([ARTIFACT_FILES.card, ARTIFACT_FILES.model]);

    expect((await train([...SMALL, '--out', out, '--check'])).code).toBe(0);

    const cardPath = join(out, ARTIFACT_FILES.card);
    await writeFile(cardPath, (await readFile(cardPath, 'utf8')).replace('"seed": 7', '"seed": 8'));
    const checked = await train([...SMALL, '--out', out, '--check']);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain(`${cardPath} is not what seed 7 trains with this code`);
  });

  it.each([
    [['--seed', 'abc'], '--seed must be an integer >= 0, got "abc"'],
    [['--household-years', '0'], '--household-years must be an integer >= 1, got "0"'],
  ])('refuses %j before training, naming the flag', async (args, message) => {
    const refused = await train([...args, '--out', join(tmpdir(), 'shiftgate-never-written')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(message);
  });
});
