/**
 * npm run --silent image:smoke -- --url http://127.0.0.1:9000/2015-03-31/functions/function/invocations
 *   [--wait SECONDS] --out smoke.json
 * Posts a real Function URL event for POST /predict to the image's Runtime Interface Emulator (image-smoke.ts),
 * retrying refused connections while the container starts, and writes the result for `image:report`.
 * Exit 0 when the handler answered 200 with a prediction, 1 otherwise (the result file is written either way,
 * so the comment can say what went wrong).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import { isEntryPoint, runCli } from '../../../common/cli.ts';
import { postUntilAnswered } from '../image-smoke.ts';

const USAGE =
  'usage: npm run --silent image:smoke -- --url http://127.0.0.1:9000/2015-03-31/functions/function/invocations [--wait SECONDS] --out smoke.json';
/** Cold start of the image in the RIE is a few seconds (model load); a CI runner under load is slower. */
const DEFAULT_WAIT_SECONDS = 30;

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { url: { type: 'string' }, wait: { type: 'string' }, out: { type: 'string' } },
  });
  if (values.url === undefined || values.out === undefined) throw new Error('--url and --out are required');
  const waitSeconds = values.wait === undefined ? DEFAULT_WAIT_SECONDS : Number(values.wait);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) {
    throw new Error(
      `--wait ${values.wait} is not a number of seconds; pass e.g. --wait ${DEFAULT_WAIT_SECONDS}`,
    );
  }
  const result = await postUntilAnswered(values.url, waitSeconds * 1000, {
    post: async (url, body) => {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      return { status: response.status, text: await response.text() };
    },
    now: () => Date.now(),
    sleep: (ms) => sleep(ms),
  });
  await writeFileAtomic(values.out, `${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(`image:smoke: ${result.ok ? 'passed' : 'failed'}: ${result.detail}\n`);
  return result.ok ? 0 : 1;
}

if (isEntryPoint(import.meta.url)) await runCli({ name: 'image:smoke', usage: USAGE }, main);
