import { afterEach, describe, expect, it, vi } from 'vitest';
import { isEntryPoint, runCli } from './cli.ts';

describe('runCli', () => {
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  afterEach(() => {
    stderr.mockClear();
    process.exitCode = undefined;
  });

  it('sets the exit code main returns, 0 for nothing', async () => {
    await runCli({ name: 'demo' }, () => 3);
    expect(process.exitCode).toBe(3);
    await runCli({ name: 'demo' }, async () => undefined);
    expect(process.exitCode).toBe(0);
  });

  it('prints one line naming the command, the error and the usage, and fails with the given code', async () => {
    await runCli({ name: 'slo:gate', usage: 'usage: slo:gate FILE', failureCode: 2 }, () => {
      throw new Error('no such file', { cause: new Error('ENOENT') });
    });
    expect(process.exitCode).toBe(2);
    expect(stderr).toHaveBeenCalledWith('slo:gate: no such file (cause: ENOENT)\nusage: slo:gate FILE\n');
  });
});

describe('isEntryPoint', () => {
  it('is false for a module that is not the script node runs', () => {
    expect(isEntryPoint(import.meta.url)).toBe(false);
  });
});
