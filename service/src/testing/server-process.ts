import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** Runs the server (service/src/server.ts through tsx, or a built .mjs) in its own `node` process on an ephemeral loopback port. */

const SERVER_ENTRY = fileURLToPath(new URL('../server.ts', import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Every JSON log line the server has written so far. */
  logs: Record<string, unknown>[];
  stop(): Promise<number | null>;
}

export interface ServerExit {
  code: number | null;
  stderr: string;
}

function spawnServer(env: Record<string, string>, entry = SERVER_ENTRY): ChildProcess {
  const args = entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
  return spawn(process.execPath, args, {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves once the server logs the port it listens on; rejects if it exits first. */
export async function startServer(
  env: Record<string, string> = {},
  entry = SERVER_ENTRY,
): Promise<ServerProcess> {
  const child = spawnServer(env, entry);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk) => {
      buffered += String(chunk);
      const match = buffered.match(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening: ${stderr}`)));
  });
  // Keep reading stdout so request logs never fill the pipe and block the server.
  const logs: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk) => {
    const lines = (partial + String(chunk)).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines)
      if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  return {
    url,
    child,
    logs,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

/** Runs the server expecting it to fail at start-up. */
export async function failedStart(env: Record<string, string>): Promise<ServerExit> {
  const child = spawnServer(env);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  child.stdout?.resume();
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}
