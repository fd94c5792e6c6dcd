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

/** How a command ended and all it printed. */
export interface CommandRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Killed (SIGTERM) after this long; no limit without it. */
  readonly timeoutMs?: number;
  /** Sees its stderr as it comes. */
  readonly onStderr?: (chunk: string) => void;
}

/**
 * Runs `command` from the repository root and collects what it prints. Resolves however it ends (a caller that
 * holds a failed command to its exit code reads it); rejects only when it cannot be run at all.
 */
export function runCollecting(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(chunk);
    });
    child.once('error', (error) =>
      reject(new Error(`cannot run \`${[command, ...args].join(' ')}\``, { cause: error })),
    );
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * Runs one command; resolves with its stdout (its results). Its stderr is its progress, passed on as it comes
 * (building the image, warming environments) and quoted when it fails.
 */
export async function runCommand(
  command: string,
  args: readonly string[],
  timeoutMs: number,
  env: Readonly<Record<string, string>> = {},
): Promise<string> {
  const run = await runCollecting(command, args, {
    env,
    timeoutMs,
    onStderr: (chunk) => process.stderr.write(chunk),
  });
  if (run.code === 0) return run.stdout;
  const how = run.signal === null ? `exit code ${run.code}` : `${run.signal}, after ${timeoutMs} ms at most`;
  const said = run.stderr.trimEnd().split('\n').slice(-5).join('\n');
  throw new Error(`\`${[command, ...args].join(' ')}\` failed (${how})${said ? `; it said:\n${said}` : ''}`);
}

/** Runs one platform command (runCommand). */
const runCli = (cli: PlatformCli, args: readonly string[], timeoutMs: number) =>
  runCommand(cli.command, [...cli.args, ...args], timeoutMs, cli.env);

/**
 * Invocations each provisioned environment gets before it is measured. A provisioned environment has run its init
 * but never an invocation: its first few pay for lazy loading and JIT compilation. On a live alias those were paid
 * long ago, and on Lambda each environment pays them on CPU of its own; here all environments share the machine's
 * cores, so sixteen first invocations at once slow each other down, spill over into cold starts that take more of
 * the same cores, and the first seconds of a run (or of a release's traffic) measure that pile-up rather than the
 * handler.
 */
const WARM_UP_INVOCATIONS_PER_ENVIRONMENT = 20;

/**
 * Warms `environments` provisioned environments behind `baseUrl` (a live URL, or a version's own): one lane each,
 * sending its requests one after another, so never more in flight than there are environments and the warm-up
 * itself never spills over or starts anything cold. The first answer other than 200 stops every lane and is the
 * error. The load test warms live with it before it measures; the release rehearsal warms live before the release
 * and the candidate before its pre-traffic test.
 */
export async function warmEnvironments(baseUrl: string, environments: number): Promise<void> {
  const url = predictUrl(baseUrl);
  const [body] = buildCorpus().map((request) => JSON.stringify(request));
  let failed = false;
  const lane = async () => {
    for (let i = 0; i < WARM_UP_INVOCATIONS_PER_ENVIRONMENT && !failed; i++) {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      await response.arrayBuffer();
      if (response.status !== 200) {
        failed = true;
        throw new Error(
          `${baseUrl} answered a warm-up request with ${response.status}: what runs against it next would ` +
            'measure that, not the handler',
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

/**
 * Removes a platform's state directory. Versions are made read-only (immutable, as Lambda's): the owner gets write
 * access back first.
 */
export async function removeStateDir(dir: string): Promise<void> {
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
    await warmEnvironments(liveUrl, size.provisionedEnvironments);
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
