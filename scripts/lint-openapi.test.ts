import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../service/src/config.ts';
import { type ServerProcess, startServer } from '../service/src/testing/server-process.ts';
import { REDOCLY_CONFIG, redoclyLint, writeServedOpenApi } from './lint-openapi.ts';

const { modelDir } = readConfig(process.env, process.cwd());
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'lint-openapi-test-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('writeServedOpenApi', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('writes, byte for byte, what the running server answers at GET /openapi.json', async () => {
    const served = await (await fetch(`${server.url}/openapi.json`)).text();

    const linted = await readFile(await writeServedOpenApi(directory, modelDir), 'utf8');

    expect(linted).toBe(served);
    expect(JSON.parse(linted)).toMatchObject({ openapi: '3.1.0' });
  });
});

describe('redoclyLint with redocly.yaml', () => {
  it('passes the served document', async () => {
    const path = await writeServedOpenApi(directory, modelDir);

    const { code, output } = await redoclyLint(path, REDOCLY_CONFIG);

    expect(code, output).toBe(0);
  });

  it('fails a document whose only finding is a warning under the recommended rules', async () => {
    const served = JSON.parse(await readFile(await writeServedOpenApi(directory, modelDir), 'utf8'));
    const { license: _license, ...info } = served.info;
    const path = join(directory, 'no-license.json');
    await writeFile(path, JSON.stringify({ ...served, info }));

    const { code, output } = await redoclyLint(path, REDOCLY_CONFIG);

    expect(code).not.toBe(0);
    expect(output).toContain('info-license');
  });
});
