/**
 * The release's I/O on this machine: the local platform, the pre-traffic test and the drift probe over HTTP to
 * the version's own front, no page alarms (the local platform has none, which the report shows as null), the freeze
 * the rehearsal read before it began, real time, progress on stderr, and `--crash-at`.
 */
import { warmEnvironments } from '../../../loadtest/src/local-platform-target.ts';
import type { LocalPlatform } from '../../../platform/src/local/local-platform.ts';
import { askVersion } from '../drift-probe.ts';
import type { FreezeStatus, ReleaseState } from '../model.ts';
import type { ReleaseIo, ReleaseProgressSink } from '../ports.ts';
import { runPretraffic } from '../pretraffic.ts';
import type { CrashState } from './rehearsal-args.ts';

export interface RehearsalIoOptions {
  /** Read when preflight checks it: what the rehearsal started with, or its kept --budget-report on --resume. */
  readonly freeze: () => Promise<FreezeStatus>;
  /** `--crash-at`: the state whose entry ends this process with SIGKILL; null to run through. */
  readonly crashAt: CrashState | null;
  readonly progress: ReleaseProgressSink;
}

/**
 * SIGKILL, not an exit: nothing of this process runs after it (no finally, no report, no stop), as when a runner
 * is killed. The platform's daemon is detached and keeps the alias and the record exactly as they were.
 */
function crashOnEntering(crashAt: CrashState, progress: ReleaseProgressSink) {
  return (state: ReleaseState) => {
    if (state.name !== crashAt) return;
    progress.step(`--crash-at ${crashAt}: killing this process (SIGKILL) on entering ${crashAt}`);
    process.kill(process.pid, 'SIGKILL');
  };
}

/** The published version whose own URL `url` is (the pre-traffic test is given the URL, not the version). */
async function versionAt(platform: LocalPlatform, url: string): Promise<string | null> {
  const same = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
  for (const version of Object.keys((await platform.status()).versions)) {
    if (same(await platform.versionUrl(version), url)) return version;
  }
  return null;
}

/**
 * The canary scenario against the candidate alone, once its provisioned environments have served their first
 * invocations. The local platform does not isolate environments (docs/local-platform.md, "What it does not
 * model"): a fresh environment's first invocations (lazy loading, JIT) take hundreds of milliseconds of the
 * cores every environment shares, the canary's arrivals queue behind them, spill over into cold starts that take
 * more of the same cores, and the test measures that pile-up, not the version. On Lambda each environment has
 * its own CPU, which is why `npm run loadtest -- --platform local` warms its environments before it measures, and
 * why this does too.
 */
async function warmThenPretraffic(platform: LocalPlatform, url: string, seconds: number, errorAlpha: number) {
  const version = await versionAt(platform, url);
  const provisioned = version === null ? null : await platform.provisionedConcurrency(version);
  await warmEnvironments(url, Math.max(1, provisioned?.allocated ?? 0)).catch(() => {
    // A version that cannot answer its warm-up is the pre-traffic test's to judge and report, not a crash here.
  });
  return runPretraffic(url, seconds, { errorAlpha });
}

export function rehearsalIo(platform: LocalPlatform, options: RehearsalIoOptions): ReleaseIo {
  const { crashAt, progress } = options;
  return {
    platform,
    pretraffic: (url, seconds, errorAlpha) => warmThenPretraffic(platform, url, seconds, errorAlpha),
    ask: (url, bodies) => askVersion(url, bodies),
    firingPageAlarms: async () => null,
    freeze: options.freeze,
    now: () => new Date(),
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    progress,
    ...(crashAt === null ? {} : { onEnter: crashOnEntering(crashAt, progress) }),
  };
}
