/**
 * `npm run bench:image [-- --arch x86_64 --runs 5 --warm 200]`
 *
 * Start-up and latency of the handler as the image runs it: a fresh `node` per run, cwd = the image context
 * (build it first with `npm run build:image-context`), an environment holding only the stage name the stack sets. Prints the median of each figure:
 * init (importing the bundle: onnxruntime, the model, the app), the first request, and the mean warm request.
 * This machine is not Lambda: read the figures as relative (before/after a change), not as Lambda durations.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runCli } from '../../common/cli.ts';
import { median } from '../../common/percentile.ts';
import { parseArchitecture } from '../../infra/image/architecture.ts';
import { HANDLER_FILE } from '../../infra/image/context-plan.ts';
import { localLambdaContext } from '../../service/src/lambda/context.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

const harness = (warmRequests: number) => `
const t0 = performance.now();
const { handler } = await import(process.cwd() + '/${HANDLER_FILE}');
const t1 = performance.now();
const event = {
  version: '2.0', routeKey: '$default', rawPath: '/predict', rawQueryString: '',
  headers: { 'content-type': 'application/json' },
  requestContext: { http: { method: 'POST', path: '/predict', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
    requestId: 'bench', routeKey: '$default', stage: '$default', timeEpoch: Date.now() },
  body: JSON.stringify({ area: 'tokyo', householdSize: 3, knownUsage: { month: 8, kwh: 420 } }), isBase64Encoded: false,
};
const context = { ...${JSON.stringify(localLambdaContext())}, getRemainingTimeInMillis: () => 5000 };
const first = await handler(event, context);
const t2 = performance.now();
for (let i = 0; i < ${warmRequests}; i++) await handler(event, context);
const t3 = performance.now();
if (first.statusCode !== 200) throw new Error('status ' + first.statusCode + ': ' + first.body);
process.stderr.write(JSON.stringify({ initMs: t1 - t0, firstMs: t2 - t1, warmMs: (t3 - t2) / ${warmRequests} }) + '\\n');
`;

interface Sample {
  initMs: number;
  firstMs: number;
  warmMs: number;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      arch: { type: 'string', default: 'x86_64' },
      runs: { type: 'string', default: '5' },
      warm: { type: 'string', default: '200' },
    },
  });
  const runs = Number(values.runs);
  const warm = Number(values.warm);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50)
    throw new Error(`--runs ${values.runs}: use 1 to 50.`);
  if (!Number.isInteger(warm) || warm < 1 || warm > 100_000)
    throw new Error(`--warm ${values.warm}: use 1 to 100000.`);
  const dir = join(REPO_ROOT, 'build', 'image-context', parseArchitecture(values.arch));
  const samples: Sample[] = [];
  for (let run = 0; run < runs; run++) {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', harness(warm)], {
      cwd: dir,
      env: { SHIFTGATE_STAGE: 'bench' },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (result.status !== 0) {
      throw new Error(
        `run ${run + 1} failed in ${dir} (run npm run build:image-context first?):\n${result.stderr}`,
      );
    }
    samples.push(JSON.parse(result.stderr.trim().split('\n').at(-1) ?? '{}') as Sample);
  }
  const figure = (key: keyof Sample) => median(samples.map((sample) => sample[key])).toFixed(2);
  console.log(
    `${dir}: median of ${runs} fresh processes — init ${figure('initMs')} ms, first request ${figure('firstMs')} ms, ` +
      `warm request ${figure('warmMs')} ms (mean of ${warm})`,
  );
}

await runCli(
  { name: 'bench:image', usage: 'npm run bench:image [-- --arch x86_64 --runs 5 --warm 200]' },
  () => {
    main();
    return undefined;
  },
);
