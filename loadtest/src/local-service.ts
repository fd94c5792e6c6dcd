/**
 * Builds and starts the service (`npm run build` -> dist/service/server.mjs) on a free loopback port for a run
 * without --target, waits until GET /health answers, and stops it afterwards. The server picks its own port
 * (PORT=0) and logs it as JSON ({"message":"listening","port":N}), so two runs never race for one port. The same
 * line says whether it coalesces concurrent predictions (`microBatching`), which the result records.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describeError } from '../../common/errors.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How to build and start the service; tests swap in a stand-in server. */
export interface ServiceCommand {
  /** Run before starting, from the repository root; null to skip. */
  build: { command: string; args: string[] } | null;
  /** Node script started with PORT=0 and HOST=127.0.0.1. */
  entry: string;
}

export const BUILT_SERVICE: ServiceCommand = {
  build: { command: 'npm', args: ['run', 'build', '--silent'] },
  entry: 'dist/service/server.mjs',
};
/** Loading the ONNX model and the first inference take a few seconds on a small runner. */
const START_TIMEOUT_MS = 30_000;
const HEALTH_POLL_MS = 100;

export interface LocalService {
  url: string;
  /** As the service's listening line said; null when it did not say. */
  microBatching: boolean | null;
  stop(): Promise<void>;
}

interface Listening {
  port: number;
  microBatching: boolean | null;
}

async function run(command: string, args: string[]): Promise<void> {
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`\`${command} ${args.join(' ')}\` failed with exit code ${code}`);
}

/** The port (and micro-batching) from the server's JSON "listening" log line, or null for any other line. */
export function listeningLine(line: string): Listening | null {
  try {
    const entry = JSON.parse(line) as { message?: unknown; port?: unknown; microBatching?: unknown };
    if (entry.message !== 'listening' || typeof entry.port !== 'number') return null;
    const microBatching = typeof entry.microBatching === 'boolean' ? entry.microBatching : null;
    return { port: entry.port, microBatching };
  } catch {
    return null;
  }
}

function waitForListening(child: ChildProcess): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const timer = setTimeout(
      () => reject(new Error(`the service did not log "listening" within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    lines.on('line', (line) => {
      const listening = listeningLine(line);
      if (listening === null) return;
      clearTimeout(timer);
      // Keep draining its logs so the child never blocks on a full pipe.
      lines.removeAllListeners('line');
      lines.on('line', () => {});
      resolve(listening);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`the service exited with code ${code} before listening; run \`npm start\` to see why`),
      );
    });
  });
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastProblem = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
      lastProblem = `status ${response.status}`;
    } catch (error) {
      lastProblem = describeError(error);
    }
    await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
  }
  throw new Error(`${url}/health did not answer 200 within ${START_TIMEOUT_MS} ms (last: ${lastProblem})`);
}

export async function startLocalService(
  log: (message: string) => void,
  service: ServiceCommand = BUILT_SERVICE,
): Promise<LocalService> {
  if (service.build) {
    log(`building the service (${service.build.command} ${service.build.args.join(' ')})`);
    await run(service.build.command, service.build.args);
  }
  // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and the service must keep
  // answering while the runner finishes its in-flight requests. The runner stops it, also if the runner exits.
  const child = spawn(process.execPath, [service.entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  try {
    const { port, microBatching } = await waitForListening(child);
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url);
    log(`local service ready at ${url}`);
    return { url, microBatching, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
