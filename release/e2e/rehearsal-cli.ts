/**
 * Runs `npm run release:local` as a person runs it (node with tsx, the CLI's own entry point), each rehearsal in a
 * state directory of its own, and reads back what it left: the report JSON, `--status`, and the platform itself
 * through LocalPlatform.connect.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalPlatform } from '../../platform/src/local/local-platform.ts';
import type { ReleaseReport } from '../src/report.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = ['--import', 'tsx', 'release/src/cli/release-local.ts'];

/** A short plan, so that a rehearsal takes seconds of bake rather than the default's half minute per step. */
export const SHORT_PLAN = ['--plan', '50,100', '--bake', '3s'] as const;

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Rehearsal {
  readonly stateDir: string;
  /** `npm run release:local -- …args` with this rehearsal's state directory. */
  run(...args: string[]): Promise<CliRun>;
  /** The report a run wrote to its default place. */
  report(): Promise<ReleaseReport>;
  /** `--status`'s stdout, parsed. */
  status(): Promise<unknown>;
  /** The platform itself, while it runs. */
  platform(): Promise<LocalPlatform>;
  /** Stops whatever still runs and removes the state directory. */
  dispose(): Promise<void>;
}

function runCli(stateDir: string, args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, SHIFTGATE_REHEARSAL_DIR: stateDir, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Versions are read-only (immutable, as Lambda's): give the owner write access back before removing them. */
async function removeTree(dir: string): Promise<void> {
  const writable = async (path: string): Promise<void> => {
    await chmod(path, 0o700);
    for (const entry of await readdir(path, { withFileTypes: true })) {
      if (entry.isDirectory()) await writable(join(path, entry.name));
    }
  };
  await writable(dir).catch(() => {});
  await rm(dir, { recursive: true, force: true });
}

export async function newRehearsal(): Promise<Rehearsal> {
  const stateDir = await mkdtemp(join(tmpdir(), 'shiftgate-rehearsal-'));
  const run = (...args: string[]) => runCli(stateDir, args);
  return {
    stateDir,
    run,
    report: async () => JSON.parse(await readFile(join(stateDir, 'report.json'), 'utf8')) as ReleaseReport,
    status: async () => {
      const status = await run('--status');
      if (status.code !== 0) throw new Error(`--status failed (${status.code}): ${status.stderr}`);
      return JSON.parse(status.stdout);
    },
    platform: () => LocalPlatform.connect(stateDir),
    dispose: async () => {
      await run('--stop');
      await removeTree(stateDir);
    },
  };
}

/** What a run said, for a failed assertion's message. */
export const said = (run: CliRun) =>
  `exit ${run.code ?? run.signal}\n--- stderr (last 40 lines)\n${run.stderr.trimEnd().split('\n').slice(-40).join('\n')}`;
