import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

/** Process plumbing for the benchmarks: children on loopback, bounded waits, and their memory. */

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('could not find a free loopback port');
  return address.port;
}

/** `node <entry>` with the service's env; its logs go to /dev/null so they cost what they cost in production. */
export function spawnServer(entry: string, port: number): ChildProcess {
  return spawn(process.execPath, [entry], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Forks a plain-node child with IPC, stdout discarded. */
export function forkChild(script: string, args: string[] = []): ChildProcess {
  return fork(script, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] });
}

export async function nextMessage<T>(child: ChildProcess, timeoutMs: number): Promise<T> {
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`child exited with ${code} before answering`);
  });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no answer from the child within ${timeoutMs} ms`)), timeoutMs).unref(),
  );
  const [message] = (await Promise.race([once(child, 'message'), exited, timeout])) as [T];
  return message;
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** Polls until `attempt` returns true, at most `timeoutMs`; a refused connection counts as "not yet". */
export async function pollUntil(attempt: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await attempt().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`gave up after ${timeoutMs} ms`);
}

/** Resident set size of a child, from /proc (Linux, where the bench and Lambda run). */
export async function rssMegabytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(status.match(/^VmRSS:\s+(\d+) kB$/m)?.[1]);
  if (!Number.isFinite(kilobytes)) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return kilobytes / 1024;
}
