import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Front } from './front.ts';
import { PublishedVersions } from './published-versions.ts';
import { removeVersionDir } from './versions.ts';

let scratch: string;
let context: string;
let dockerfile: string;

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'shiftgate-published-'));
  context = join(scratch, 'context');
  await mkdir(context);
  await writeFile(join(context, 'lambda.mjs'), 'export const handler = async () => ({});\n');
  dockerfile = join(scratch, 'Dockerfile');
  await writeFile(
    dockerfile,
    'FROM node:22 AS build\nENV BUILD=1\nFROM base\nENV NODE_OPTIONS=--enable-source-maps A=b\n',
  );
  await mkdir(join(scratch, 'state', 'versions'), { recursive: true });
  await mkdir(join(scratch, 'state', 'logs'), { recursive: true });
});

afterEach(async () => {
  await removeVersionDir(join(scratch, 'state', 'versions'));
  await rm(scratch, { recursive: true, force: true });
});

/** A front double: publishing only starts one and reads its URL. */
const front = async (version: string) => ({ url: `http://127.0.0.1:1000${version}/` }) as unknown as Front;

const newVersions = () =>
  new PublishedVersions({ stateDir: join(scratch, 'state'), dockerfile, log: () => {} });

describe('PublishedVersions', () => {
  it('numbers versions in publish order, and a refused publish does not use a number up', async () => {
    const versions = newVersions();
    const first = await versions.publish({ contextDir: context, faults: ['errors=5%@live'] }, front);
    expect([first.version, first.front.url, first.faults.errorRate]).toEqual([
      '1',
      'http://127.0.0.1:10001/',
      { rate: 0.05, liveOnly: true },
    ]);
    await expect(
      versions.publish({ contextDir: join(scratch, 'nowhere'), faults: [] }, front),
    ).rejects.toThrow(/cannot publish version 2: .*lambda\.mjs does not exist/);
    await expect(versions.publish({ contextDir: context, faults: ['slow=fast'] }, front)).rejects.toThrow(
      /slow=fast/,
    );
    expect((await versions.publish({ contextDir: context, faults: [] }, front)).version).toBe('2');
    expect(versions.numbers()).toEqual(['1', '2']);
    expect((await readdir(join(scratch, 'state', 'versions'))).sort()).toEqual([
      '1',
      '1.image-env.json',
      '2',
      '2.image-env.json',
    ]);
    await Promise.all(versions.entries().map(([, version]) => version.logs.end()));
  });

  it("records the Dockerfile's final-stage ENV beside the version, as it was when the version was published", async () => {
    const versions = newVersions();
    const first = await versions.publish({ contextDir: context, faults: [] }, front);
    await writeFile(dockerfile, 'FROM base\nENV A=changed\n');
    const second = await versions.publish({ contextDir: context, faults: [] }, front);

    const published = { NODE_OPTIONS: '--enable-source-maps', A: 'b' };
    expect(first.imageEnv).toEqual(published);
    expect(versions.get('1').imageEnv).toEqual(published);
    expect(second.imageEnv).toEqual({ A: 'changed' });
    const recorded = await readFile(join(scratch, 'state', 'versions', '1.image-env.json'), 'utf8');
    expect(JSON.parse(recorded)).toEqual(published);
    await Promise.all(versions.entries().map(([, version]) => version.logs.end()));
  });

  it.each([
    ['an unreadable ENV', 'FROM base\nENV A=$B\n', /ENV A=\$B refers to a variable/],
    ['no Dockerfile', null, /ENOENT/],
  ])(
    'refuses a publish whose Dockerfile has %s, leaving nothing and no number used',
    async (_, text, message) => {
      await (text === null ? rm(dockerfile) : writeFile(dockerfile, text));
      const versions = newVersions();
      const refused = versions.publish({ contextDir: context, faults: [] }, front);
      await expect(refused).rejects.toThrow(message);
      await expect(refused).rejects.toThrow(
        /cannot publish a version without the image's ENV from .*Dockerfile/,
      );
      expect(versions.numbers()).toEqual([]);
      expect(await readdir(join(scratch, 'state', 'versions'))).toEqual([]);

      await writeFile(dockerfile, 'FROM base\n');
      const { version, logs } = await versions.publish({ contextDir: context, faults: [] }, front);
      expect(version).toBe('1');
      await logs.end();
    },
  );

  it('names the published versions when asked for one that is not', async () => {
    const versions = newVersions();
    expect(() => versions.get('1')).toThrow(/version 1 is not published \(published: none yet\)/);
    const { logs } = await versions.publish({ contextDir: context, faults: [] }, front);
    expect(() => versions.get('7')).toThrow(
      /version 7 is not published \(published: 1\): name one of those, or publish it first/,
    );
    expect([versions.has('1'), versions.has('7'), versions.describe()]).toEqual([true, false, '1']);
    await logs.end();
  });
});
