/**
 * The local platform's daemon: one process owning every piece of state (versions, the `live` alias, provisioned
 * concurrency, the scaling target, metrics, the release record) behind the control API, plus the HTTP fronts
 * and the execution environments. It runs detached from whoever started it, so a killed client — a CLI, a
 * release runner — leaves the platform and its alias as they were, as AWS would.
 *
 * `node --import tsx platform/src/local/daemon.ts --state-dir DIR [--port P] [--max-concurrency N]`; the CLI
 * (platform/src/cli.ts) starts it. It writes DIR/daemon.json ({pid, controlUrl, liveUrl}) once it answers.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import { isEntryPoint, runCli } from '../../../common/cli.ts';
import { describeError } from '../../../common/errors.ts';
import { STAGES } from '../../../infra/config/stages.ts';
import { pickVersion, validateAliasUpdate } from '../alias.ts';
import { type AliasState, type AliasUpdate, LIVE_ALIAS, type TimeRange } from '../port.ts';
import { Autoscaler, type TargetSettings } from './autoscaler.ts';
import { BadRequestError, createControlApi, NotFoundError, type PlatformController } from './control-api.ts';
import { LOCAL_STAGE, startEnvironment } from './environment.ts';
import { describeFaults, type FaultPlan, parseFaults } from './faults.ts';
import { type Front, startFront } from './front.ts';
import { recordInvocation, versionMetrics, versionTotals } from './lambda-metrics.ts';
import { type DaemonInfo, daemonInfoFile } from './local-platform.ts';
import { emfMetrics, MetricStore } from './metric-store.ts';
import { EnvironmentPool } from './pool.ts';
import { FileReleaseRecordStore } from './release-record.ts';
import { buildRuntime } from './runtime/build.ts';
import { createVersionDir, removeVersionDir } from './versions.ts';

/** The stage whose function settings (memory, timeout) the local function copies. */
const FUNCTION_SETTINGS = STAGES.dev;

export interface DaemonOptions {
  readonly stateDir: string;
  /** The live front's port; 0 for any free one. */
  readonly livePort?: number;
  readonly maxConcurrency: number;
  readonly idleTimeoutMs?: number;
  /** The autoscaler's period; AAS evaluates per minute, locally a few seconds keep a rehearsal short. */
  readonly scalingPeriodMs?: number;
  readonly log?: (line: string) => void;
}

interface Version {
  readonly dir: string;
  readonly faults: FaultPlan;
  readonly front: Front;
  readonly logs: WriteStream;
}

export interface Daemon extends DaemonInfo {
  /** Resolves once the daemon has shut down (through the API or close()). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** One daemon per state dir: a lock file naming its pid, taken over only from a pid that is gone. */
async function takeLock(stateDir: string): Promise<string> {
  const lockFile = join(stateDir, 'daemon.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return lockFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(lockFile, 'utf8').catch(() => ''));
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new Error(
          `a local platform (pid ${holder}) already runs in ${stateDir}: stop it first (npm run platform:local -- stop)`,
        );
      }
      await rm(lockFile, { force: true });
    }
  }
  throw new Error(`cannot take ${lockFile}: another daemon is starting in ${stateDir}; try again`);
}

/** A new platform starts from no versions; the previous platform's release record is kept aside, not lost. */
async function freshState(stateDir: string): Promise<void> {
  await removeVersionDir(join(stateDir, 'versions'));
  await mkdir(join(stateDir, 'versions'), { recursive: true });
  await mkdir(join(stateDir, 'logs'), { recursive: true });
  const record = join(stateDir, 'record.json');
  if ((await stat(record).catch(() => null)) !== null) {
    await rename(record, join(stateDir, `record.${new Date().toISOString().replaceAll(':', '-')}.json`));
  }
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { stateDir } = options;
  const log =
    options.log ?? ((line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`));
  await mkdir(stateDir, { recursive: true });
  const lockFile = await takeLock(stateDir);
  try {
    return await runDaemon(options, lockFile, log);
  } catch (error) {
    await rm(lockFile, { force: true });
    throw error;
  }
}

async function runDaemon(
  options: DaemonOptions,
  lockFile: string,
  log: (line: string) => void,
): Promise<Daemon> {
  const { stateDir } = options;
  await freshState(stateDir);
  const runtimeFile = join(stateDir, 'runtime.mjs');
  await buildRuntime(runtimeFile);

  const store = new MetricStore({ retentionMs: 3 * 60 * 60 * 1000 });
  const releaseRecord = new FileReleaseRecordStore(join(stateDir, 'record.json'));
  const versions = new Map<string, Version>();
  let published = 0;
  let alias: AliasState | null = null;
  const timeoutMs = FUNCTION_SETTINGS.timeoutSeconds * 1000;

  const pool = new EnvironmentPool({
    maxConcurrency: options.maxConcurrency,
    idleTimeoutMs: options.idleTimeoutMs ?? 10 * 60 * 1000,
    start: ({ version, startedFor }) => {
      const known = versions.get(version);
      if (known === undefined) throw new NotFoundError(`version ${version} is not published`);
      return startEnvironment({
        runtimeFile,
        versionDir: known.dir,
        version,
        faults: known.faults,
        startedFor,
        memoryMb: FUNCTION_SETTINGS.memoryMiB,
        onLogLine: (line) => {
          known.logs.write(`${line}\n`);
          for (const put of emfMetrics(line)) store.put(put);
        },
      });
    },
  });
  const evictTimer = setInterval(() => pool.evictIdle(), 5_000);
  evictTimer.unref();
  const autoscaler = new Autoscaler({
    evaluationIntervalMs: options.scalingPeriodMs ?? 10_000,
    sampleIntervalMs: Math.max(50, Math.floor((options.scalingPeriodMs ?? 10_000) / 20)),
    utilization: () => pool.utilization(LIVE_ALIAS),
    capacity: () => pool.provisioned(LIVE_ALIAS)?.requested ?? null,
    setCapacity: (capacity) => pool.putProvisioned(LIVE_ALIAS, capacity),
    log,
  });
  autoscaler.start();

  const frontOf = (qualifier: string, routeVersion: () => string, port?: number) =>
    startFront({
      qualifier,
      routeVersion,
      pool,
      timeoutMs,
      log,
      port,
      record: (outcome) =>
        recordInvocation(store, { ...outcome, concurrentExecutions: pool.concurrentExecutions() }),
    });
  const liveAlias = (): AliasState => {
    if (alias === null)
      throw new NotFoundError(`alias ${LIVE_ALIAS} does not exist yet: publish a version first`);
    return alias;
  };
  const liveFront = await frontOf(
    LIVE_ALIAS,
    () => pickVersion(liveAlias(), Math.random()),
    options.livePort,
  );
  const checkQualifier = (qualifier: string) => {
    if (qualifier !== LIVE_ALIAS && !versions.has(qualifier)) {
      throw new NotFoundError(
        `qualifier ${qualifier} is neither ${LIVE_ALIAS} nor a published version (${[...versions.keys()].join(', ') || 'none yet'})`,
      );
    }
  };

  let resolveClosed = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      log('shutting down: stopping every execution environment');
      autoscaler.stop();
      clearInterval(evictTimer);
      await Promise.all([liveFront.close(), ...[...versions.values()].map((v) => v.front.close())]);
      await pool.close();
      control.close();
      control.closeAllConnections();
      for (const version of versions.values()) version.logs.end();
      await rm(daemonInfoFile(stateDir), { force: true });
      await rm(lockFile, { force: true });
      log('stopped');
      resolveClosed();
    })();
    return closing;
  };

  const controller: PlatformController = {
    releaseRecord,
    readAlias: async () => liveAlias(),
    updateAlias: async (update: AliasUpdate) => {
      validateAliasUpdate(update, { current: liveAlias(), versions: [...versions.keys()] });
      alias = {
        name: LIVE_ALIAS,
        version: update.version,
        weights: { ...update.weights },
        revisionId: randomUUID(),
      };
      pool.setAlias(alias);
      log(
        `alias ${LIVE_ALIAS} -> ${alias.version} ${JSON.stringify(alias.weights)} (revision ${alias.revisionId})`,
      );
      return alias;
    },
    putProvisionedConcurrency: async (qualifier, executions) => {
      checkQualifier(qualifier);
      if (executions > options.maxConcurrency) {
        throw new BadRequestError(
          `provisioned concurrency ${executions} on ${qualifier} is above the function's concurrency limit ` +
            `${options.maxConcurrency}: ask for less or start the platform with a higher --max-concurrency`,
        );
      }
      pool.putProvisioned(qualifier, executions);
      return pool.provisioned(qualifier) as NonNullable<ReturnType<typeof pool.provisioned>>;
    },
    provisionedConcurrency: async (qualifier) => {
      checkQualifier(qualifier);
      return pool.provisioned(qualifier);
    },
    removeProvisionedConcurrency: async (qualifier) => {
      checkQualifier(qualifier);
      pool.removeProvisioned(qualifier);
    },
    scalingTarget: async () => autoscaler.target(),
    suspendScaling: async () => autoscaler.suspend(),
    resumeScaling: async (previous) => autoscaler.resume(previous),
    registerScalingTarget: async (settings: TargetSettings) => {
      if (settings.maxCapacity > options.maxConcurrency || settings.minCapacity > settings.maxCapacity) {
        throw new BadRequestError(
          `scaling target ${settings.minCapacity}..${settings.maxCapacity} is not within 0..${options.maxConcurrency} ` +
            '(the concurrency limit): send minCapacity <= maxCapacity <= the limit',
        );
      }
      return autoscaler.register(settings);
    },
    versionMetrics: async (version: string, range: TimeRange) => {
      if (!versions.has(version)) throw new NotFoundError(`version ${version} is not published`);
      return versionMetrics(store, { version, range, stage: LOCAL_STAGE });
    },
    publishVersion: async ({ contextDir, faults: specs }) => {
      const faults = parseFaults(specs);
      published += 1;
      const version = String(published);
      const dir = join(stateDir, 'versions', version);
      await createVersionDir(contextDir, dir).catch((error: unknown) => {
        throw new BadRequestError(`cannot publish version ${version}: ${describeError(error)}`, {
          cause: error,
        });
      });
      const logs = createWriteStream(join(stateDir, 'logs', `${version}.log`), { flags: 'a' });
      const front = await frontOf(version, () => version);
      versions.set(version, { dir, faults, front, logs });
      if (alias === null) {
        // The first version creates the alias (CreateAlias): `live` always names a version.
        alias = { name: LIVE_ALIAS, version, weights: {}, revisionId: randomUUID() };
        pool.setAlias(alias);
      }
      const described = describeFaults(faults);
      log(
        `published version ${version} at ${front.url}${described === '' ? '' : ` with faults ${described}`}`,
      );
      return { version, url: front.url, faults: described };
    },
    status: async () => ({
      live: alias === null ? null : { version: alias.version, weights: alias.weights },
      versions: Object.fromEntries(
        [...versions].map(([version, { front, faults }]) => [
          version,
          { ...versionTotals(store, version), url: front.url, faults: describeFaults(faults) },
        ]),
      ),
      liveUrl: liveFront.url,
      provisioned: Object.fromEntries(
        [LIVE_ALIAS, ...versions.keys()].flatMap((q) => {
          const config = pool.provisioned(q);
          return config === null ? [] : [[q, config]];
        }),
      ),
      scalingTarget: autoscaler.target(),
      concurrency: { limit: options.maxConcurrency, executions: pool.concurrentExecutions() },
    }),
    shutdown: () => void close(),
  };

  const control = createControlApi(controller, log);
  await new Promise<void>((resolve, reject) => {
    control.once('error', reject);
    control.listen(0, '127.0.0.1', () => resolve());
  });
  const info: DaemonInfo = {
    pid: process.pid,
    controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
    liveUrl: liveFront.url,
  };
  await writeFileAtomic(daemonInfoFile(stateDir), `${JSON.stringify(info, null, 2)}\n`);
  log(
    `listening: control ${info.controlUrl}, live ${info.liveUrl}, concurrency limit ${options.maxConcurrency}`,
  );
  return { ...info, closed, close };
}

const USAGE =
  'usage: node --import tsx platform/src/local/daemon.ts --state-dir DIR [--port P] [--max-concurrency N] ' +
  '[--scaling-period-ms MS] [--idle-timeout-ms MS]';

function integerFlag(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min)
    throw new Error(`--${name} ${value}: give an integer of at least ${min}`);
  return parsed;
}

if (isEntryPoint(import.meta.url)) {
  await runCli({ name: 'platform daemon', usage: USAGE }, async () => {
    const { values } = parseArgs({
      options: {
        'state-dir': { type: 'string' },
        port: { type: 'string' },
        'max-concurrency': { type: 'string' },
        'scaling-period-ms': { type: 'string' },
        'idle-timeout-ms': { type: 'string' },
      },
    });
    const stateDir = values['state-dir'];
    if (stateDir === undefined) throw new Error('--state-dir is required');
    const daemon = await startDaemon({
      stateDir,
      livePort: integerFlag(values.port, 'port', 0, 0),
      maxConcurrency: integerFlag(values['max-concurrency'], 'max-concurrency', 8, 1),
      scalingPeriodMs: integerFlag(values['scaling-period-ms'], 'scaling-period-ms', 10_000, 100),
      idleTimeoutMs: integerFlag(values['idle-timeout-ms'], 'idle-timeout-ms', 600_000, 1_000),
    });
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
      process.once(signal, () => void daemon.close());
    await daemon.closed;
    return 0;
  });
}
