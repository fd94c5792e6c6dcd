/**
 * `npm run loadtest -- --platform local`: a fresh local Lambda platform (platform/) for one run, driven through
 * its documented CLI exactly as a person would drive it (`start`, `status`, `stop`), in a temporary state
 * directory of its own so that it never meets a platform someone left running. The load goes to its `live` front:
 * the handler the way Lambda runs it, one request per execution environment.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalPlatform } from '../../platform/src/local/local-platform.ts';
import { type LoadTestObjectives, loadTestObjectives } from '../../slo/src/load-test.ts';
import { buildCorpus } from './corpus.ts';
import { predictUrl } from './k6-contract.ts';
import type { MeasuredSystem, PlatformCounts } from './result.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How to run the platform's CLI (`npm run platform:local -- …` without npm's own start-up); tests swap in a stand-in. */
export interface PlatformCli {
  command: string;
  args: readonly string[];
  /** Added to this process's environment. */
  env?: Readonly<Record<string, string>>;
}

export const PLATFORM_CLI: PlatformCli = {
  command: process.execPath,
  args: ['--import', 'tsx', 'platform/src/cli.ts'],
};

/**
 * `start` builds the image context as version 1 and initialises every provisioned environment before it prints
 * the URL; on two busy cores that takes tens of seconds. `status` and `stop` only talk to the running daemon.
 */
const START_TIMEOUT_MS = 300_000;
const CONTROL_TIMEOUT_MS = 60_000;

export interface PlatformSize {
  provisionedEnvironments: number;
  maxConcurrency: number;
}

/** Two environments at least, so two requests that overlap never wait for a cold start. */
const MIN_PROVISIONED = 2;
/**
 * The concurrency limit leaves as many on-demand environments as provisioned ones: a burst beyond the provisioned
 * pool spills over into cold starts (counted, as Lambda counts them) before anything is throttled. A 429 still
 * happens where Lambda would give one, at the limit.
 */
const ON_DEMAND_PER_PROVISIONED = 1;

/**
 * How many environments to provision for a run of `ratePerSecond`. Little's law: requests in flight = arrival
 * rate × time each spends in the system. Taking that time as the slowest latency the SLOs accept (the
 * highest-percentile latency objective, the p95's 80 ms today) covers the expected concurrency with room: at
 * 200 req/s, 16 environments, where the mean latency (a few ms) would need one or two. A service that keeps its
 * SLOs never waits for a cold start this way, so a cold start or a spillover in the result is news, not noise.
 */
export function platformSizeFor(
  ratePerSecond: number,
  objectives: LoadTestObjectives = loadTestObjectives(),
): PlatformSize {
  const slowest = objectives.latency.reduce<LoadTestObjectives['latency'][number] | null>(
    (worst, gate) => (worst === null || gate.percentile > worst.percentile ? gate : worst),
    null,
  );
  if (slowest === null) {
    throw new Error(
      'the SLO definition has no latency objective, so the local platform cannot be sized for the run; add one to slo/src/definition.ts',
    );
  }
  const inFlight = Math.ceil((ratePerSecond * slowest.thresholdMs) / 1_000);
  const provisionedEnvironments = Math.max(MIN_PROVISIONED, inFlight);
  return {
    provisionedEnvironments,
    maxConcurrency: provisionedEnvironments * (1 + ON_DEMAND_PER_PROVISIONED),
  };
}

/** The `live` URL from `start`'s output: its last line, by the CLI's contract. */
export function liveUrlOf(stdout: string): string {
  const last = stdout.trimEnd().split('\n').at(-1)?.trim() ?? '';
  if (!/^https?:\/\/[^/\s]+\S*$/.test(last)) {
    throw new Error(
      `the platform's \`start\` printed "${last}" as its last line, not the live URL; run \`npm run platform:local -- start\` to see its output`,
    );
  }
  return last.replace(/\/+$/, '');
}

const countOrNull = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;

export interface StatusCounts {
  /** The version `live` points at; null before anything is live. */
  liveVersion: string | null;
  invocations: number | null;
  coldStarts: number | null;
  throttles: number | null;
}

/**
 * The platform's own counts from `status`'s JSON, summed over every version (a fresh platform has one). A count
 * a version does not report makes the total null rather than a guess.
 */
export function statusCountsOf(statusJson: string): StatusCounts {
  let status: unknown;
  try {
    status = JSON.parse(statusJson);
  } catch (error) {
    throw new Error(
      `the platform's \`status\` printed something other than JSON: ${statusJson.slice(0, 200)}`,
      {
        cause: error,
      },
    );
  }
  const { versions, live } = (typeof status === 'object' && status !== null ? status : {}) as Record<
    string,
    unknown
  >;
  if (typeof versions !== 'object' || versions === null) {
    throw new Error(`the platform's \`status\` has no "versions" object: ${statusJson.slice(0, 200)}`);
  }
  const total = (key: string): number | null => {
    let sum = 0;
    for (const figures of Object.values(versions)) {
      const value = countOrNull((figures as Record<string, unknown> | null)?.[key]);
      if (value === null) return null;
      sum += value;
    }
    return sum;
  };
  const liveVersion = (live as { version?: unknown } | null | undefined)?.version;
  return {
    liveVersion: typeof liveVersion === 'string' ? liveVersion : null,
    invocations: total('invocations'),
    coldStarts: total('coldStarts'),
    throttles: total('throttles'),
  };
}

/** Every minute of a platform that lived only for this run (the store's buckets start on whole minutes). */
const wholeLife = () => ({ start: new Date(0), end: new Date(Date.now() + 60_000) });

/**
 * `status` counts cold starts and throttles but not spillover, which is a Lambda metric of the alias's traffic
 * (ProvisionedConcurrencySpilloverInvocations by ExecutedVersion): that one is read through the Platform port,
 * as a release reads it.
 */
async function platformCounts(cli: PlatformCli, stateDir: string): Promise<PlatformCounts> {
  const status = statusCountsOf(await runCli(cli, ['status', '--state-dir', stateDir], CONTROL_TIMEOUT_MS));
  const spillover =
    status.liveVersion === null
      ? null
      : (await (await LocalPlatform.connect(stateDir)).versionMetrics(status.liveVersion, wholeLife()))
          .provisionedConcurrencySpilloverInvocations;
  const { invocations, coldStarts, throttles } = status;
  return { invocations, coldStarts, throttles, spillover };
}

/**
 * Runs one platform command; resolves with its stdout (its results). Its stderr is its progress, passed on as it
 * comes (building the image, warming environments) and quoted when it fails.
 */
function runCli(cli: PlatformCli, args: string[], timeoutMs: number): Promise<string> {
  const commandLine = [cli.command, ...cli.args, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(cli.command, [...cli.args, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...cli.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.once('error', (error) => reject(new Error(`cannot run \`${commandLine}\``, { cause: error })));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve(stdout);
      const how = signal === null ? `exit code ${code}` : `${signal}, after ${timeoutMs} ms at most`;
      const said = stderr.trimEnd().split('\n').slice(-5).join('\n');
      reject(new Error(`\`${commandLine}\` failed (${how})${said ? `; it said:\n${said}` : ''}`));
    });
  });
}

/**
 * Invocations each provisioned environment gets before the run. A provisioned environment has run its init but
 * never an invocation: its first few pay for lazy loading and JIT compilation. On a live alias those were paid
 * long ago, and on Lambda each environment pays them on CPU of its own; here all environments share the
 * machine's cores, so sixteen first invocations at once slow each other down, spill over into cold starts that
 * take more of the same cores, and the first seconds of a run measure that pile-up rather than the handler.
 */
const WARM_UP_INVOCATIONS_PER_ENVIRONMENT = 20;

/**
 * One lane per provisioned environment, each sending its requests one after another: never more in flight than
 * there are provisioned environments, so the warm-up itself never spills over or starts anything cold.
 */
async function warmUp(liveUrl: string, environments: number): Promise<void> {
  const url = predictUrl(liveUrl);
  const [body] = buildCorpus().map((request) => JSON.stringify(request));
  const lane = async () => {
    for (let i = 0; i < WARM_UP_INVOCATIONS_PER_ENVIRONMENT; i++) {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      await response.arrayBuffer();
      if (response.status !== 200) {
        throw new Error(
          `the platform answered a warm-up request with ${response.status}: the run would measure that, not the handler`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: environments }, lane));
}

const isCounts = (value: unknown): value is PlatformCounts =>
  typeof value === 'object' && value !== null && 'invocations' in value;

const minus = (after: number | null, before: number | null) =>
  after === null || before === null ? null : after - before;

export interface LocalPlatformTarget {
  liveUrl: string;
  stateDir: string;
  size: PlatformSize;
  /** What the platform counted since it was warmed up (`status`): the run's own counts. */
  counts(): Promise<PlatformCounts>;
  /** `stop`, then the state directory removed; safe to call twice. */
  stop(): Promise<void>;
}

/** The result's `system` for a run on the local platform; counts are null until the run is over. */
export function platformSystem(size: PlatformSize, counts: PlatformCounts | null): MeasuredSystem {
  return { kind: 'local-lambda-platform', ...size, platformCounts: counts };
}

/** Versions are made read-only (immutable, as Lambda's): give the owner write access back before removing them. */
async function removeStateDir(dir: string): Promise<void> {
  const writable = async (path: string): Promise<void> => {
    await chmod(path, 0o700);
    for (const entry of await readdir(path, { withFileTypes: true })) {
      if (entry.isDirectory()) await writable(join(path, entry.name));
    }
  };
  await writable(dir).catch(() => {});
  await rm(dir, { recursive: true, force: true });
}

export async function startLocalPlatform(
  log: (message: string) => void,
  size: PlatformSize,
  cli: PlatformCli = PLATFORM_CLI,
): Promise<LocalPlatformTarget> {
  const stateDir = await mkdtemp(join(tmpdir(), 'shiftgate-loadtest-platform-'));
  const state = ['--state-dir', stateDir];
  let stopped: Promise<void> | null = null;
  const stopOnExit = () => {
    // A second Ctrl-C ends the runner at once: the daemon is detached, so end it here, synchronously.
    spawn(cli.command, [...cli.args, 'stop', ...state], {
      cwd: REPO_ROOT,
      stdio: 'ignore',
      detached: true,
    }).unref();
  };
  process.once('exit', stopOnExit);
  const stop = () => {
    stopped ??= (async () => {
      process.removeListener('exit', stopOnExit);
      try {
        await runCli(cli, ['stop', ...state], CONTROL_TIMEOUT_MS);
      } finally {
        await removeStateDir(stateDir);
      }
    })();
    return stopped;
  };
  log(
    `starting a local Lambda platform in ${stateDir}: ${size.provisionedEnvironments} provisioned environments, concurrency limit ${size.maxConcurrency}`,
  );
  try {
    const started = await runCli(
      cli,
      [
        'start',
        ...state,
        '--pc',
        String(size.provisionedEnvironments),
        '--max-concurrency',
        String(size.maxConcurrency),
      ],
      START_TIMEOUT_MS,
    );
    const liveUrl = liveUrlOf(started);
    const invocations = size.provisionedEnvironments * WARM_UP_INVOCATIONS_PER_ENVIRONMENT;
    log(
      `local Lambda platform ready, live at ${liveUrl}; warming its provisioned environments (${invocations} invocations)`,
    );
    await warmUp(liveUrl, size.provisionedEnvironments);
    // A platform whose status cannot be read still serves the run; counts() then says why it has none.
    const baseline = await platformCounts(cli, stateDir).catch((error: unknown) => error);
    return {
      liveUrl,
      stateDir,
      size,
      counts: async () => {
        if (!isCounts(baseline)) throw baseline;
        const now = await platformCounts(cli, stateDir);
        return {
          invocations: minus(now.invocations, baseline.invocations),
          coldStarts: minus(now.coldStarts, baseline.coldStarts),
          throttles: minus(now.throttles, baseline.throttles),
          spillover: minus(now.spillover, baseline.spillover),
        };
      },
      stop,
    };
  } catch (error) {
    // Whatever did start is stopped; the state directory stays for its daemon.log.
    process.removeListener('exit', stopOnExit);
    await runCli(cli, ['stop', ...state], CONTROL_TIMEOUT_MS).catch(() => {});
    throw new Error(`the local Lambda platform did not start; its state and log are in ${stateDir}`, {
      cause: error,
    });
  }
}
