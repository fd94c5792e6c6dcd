import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { lambdaEvent } from '../testing/lambda-events.ts';

/** `npm run invoke` as a user runs it: an event file in, the handler's response (and only it) on stdout. */

const run = promisify(execFile);
const INVOKE = fileURLToPath(new URL('./invoke.ts', import.meta.url));
// The CLI takes the handler module as its second argument; the source one spares the test a build.
const HANDLER = fileURLToPath(new URL('./main.ts', import.meta.url));

async function invoke(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', INVOKE, ...args], { timeout: 20_000 }).catch(
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

async function eventFile(content: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'invoke-')), 'event.json');
  await writeFile(path, content);
  return path;
}

describe('the invoke CLI', () => {
  it('prints the handler response for an event file, logs on stderr', async () => {
    const body = JSON.stringify({ area: 'okinawa', householdSize: 2, knownUsage: { month: 1, kwh: 250 } });
    const event = lambdaEvent('http-api-v2-post', {
      method: 'POST',
      path: '/predict',
      contentType: 'application/json',
      body,
    });

    const { stdout, stderr } = await invoke(await eventFile(JSON.stringify(event)), HANDLER);

    const response = JSON.parse(stdout) as { statusCode: number; body: string };
    expect(response.statusCode).toBe(200);
    expect((JSON.parse(response.body) as { monthly: unknown[] }).monthly).toHaveLength(12);
    expect(stderr).toContain('"message":"request completed"');
  });

  it.each([
    { name: 'no event file', args: [], message: 'no event file given' },
    {
      name: 'a missing event file',
      args: ['/nonexistent/event.json'],
      message: 'cannot read event file /nonexistent/event.json',
    },
  ])('fails with a usable message for $name', async ({ args, message }) => {
    const result = await invoke(...args);
    expect('code' in result && result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });

  it('fails naming the file when the event is not JSON', async () => {
    const path = await eventFile('{not json');
    const result = await invoke(path, HANDLER);
    expect('code' in result && result.code).toBe(1);
    expect(result.stderr).toContain(`event file ${path} is not valid JSON`);
  });
});
