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
import { buildCorpus } from './corpus.ts';
import { predictUrl } from './k6-contract.ts';
import { liveUrlOf, type PlatformSize, statusCountsOf } from './local-platform-plan.ts';
import type { PlatformCounts } from './result.ts';

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
      : (
          await (
            await LocalPlatform.connect(stateDir)
          ).versionMetrics(status.liveVersion, wholeLife(), 'live')
        ).provisionedConcurrencySpilloverInvocations;
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
      env: { ...process.env, ...cli.env },
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
