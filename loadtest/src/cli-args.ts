/** Command-line parsing for the loadtest CLIs. Pure: argv and environment in, validated options out. */
import { parseArgs } from 'node:util';
import { resolveScenarioRun, type ScenarioRun } from './scenarios.ts';

export const ENGINES = ['auto', 'k6', 'node'] as const;
export type Engine = (typeof ENGINES)[number];

/** Where a run without --target sends its load: the local Lambda platform (platform/), started fresh for the run. */
export const PLATFORMS = ['local'] as const;
export type PlatformName = (typeof PLATFORMS)[number];

export interface LoadtestOptions {
  run: ScenarioRun;
  /** Base URL of the service; null = start what `platform` names, or build and start the local Node server. */
  target: string | null;
  /** `local`: a fresh local Lambda platform, measured through its `live` front; null: not a platform. */
  platform: PlatformName | null;
  engine: Engine;
  out: string | null;
  gitSha: string | null;
  /** Sign every request with SigV4 (service `lambda`) for an AWS_IAM Function URL. */
  sigv4: boolean;
}

export const LOADTEST_USAGE = `usage: npm run loadtest -- [--scenario smoke|pr|canary] [--target URL | --platform local] [--rate N]
                          [--duration SECONDS] [--engine auto|k6|node] [--out FILE] [--git-sha SHA] [--sigv4]
  --target   base URL of the service (POST {target}/predict); without it (and without --platform) the local Node
             server is built and started
  --platform local: start a fresh local Lambda platform (npm run platform:local) in a temporary state directory,
             send the load through its live alias (one request per execution environment), then stop it
  --engine   auto (default) uses k6 when it is on PATH, else the Node open-model runner
  --sigv4    sign requests for an AWS_IAM Function URL (region from the URL or AWS_REGION, default credentials)`;

export function parseLoadtestArgs(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): LoadtestOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string' },
      target: { type: 'string' },
      platform: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      engine: { type: 'string', default: 'auto' },
      out: { type: 'string' },
      'git-sha': { type: 'string' },
      sigv4: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const engine = values.engine ?? 'auto';
  if (!(ENGINES as readonly string[]).includes(engine)) {
    throw new Error(`--engine must be one of ${ENGINES.join(', ')}, got "${engine}"`);
  }
  const target = values.target ?? null;
  if (target !== null && !/^https?:\/\/[^/]+/.test(target)) {
    throw new Error(`--target must be an http(s) base URL like http://127.0.0.1:3000, got "${target}"`);
  }
  const platform = values.platform ?? null;
  if (platform !== null && !(PLATFORMS as readonly string[]).includes(platform)) {
    throw new Error(`--platform must be one of ${PLATFORMS.join(', ')}, got "${platform}"`);
  }
  if (platform !== null && target !== null) {
    throw new Error(
      `--platform ${platform} starts its own platform and measures its live URL, so it cannot also take --target ${target}; pass one of them`,
    );
  }
  const sigv4 = values.sigv4 ?? false;
  if (sigv4 && target === null) {
    throw new Error('--sigv4 signs requests to a deployed Function URL; pass it with --target https://...');
  }
  return {
    run: resolveScenarioRun({ scenario: values.scenario, rate: values.rate, duration: values.duration }),
    target,
    platform: platform as PlatformName | null,
    engine: engine as Engine,
    out: values.out ?? null,
    gitSha: values['git-sha'] ?? env.GITHUB_SHA ?? null,
    sigv4,
  };
}

/** loadtest/results/pr-2026-11-29T01-50-00Z.json: sortable, and safe in every file system. */
export function defaultResultPath(scenario: string, startedAt: Date): string {
  const stamp = startedAt
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll(':', '-');
  return `loadtest/results/${scenario}-${stamp}.json`;
}
