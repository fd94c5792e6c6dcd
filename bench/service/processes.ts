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

/**
 * `node <entry>` with the service's env plus `env`; its logs go to /dev/null so they cost what they cost in
 * production.
 */
export function spawnServer(entry: string, port: number, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [entry], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * `node <entry>` on a free port, resolved when it logs that it listens. Waiting for the log line rather than
 * polling the port keeps the waiting from stealing CPU from the start being measured.
 */
export async function spawnListeningServer(entry: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const match = output.match(/"port":(\d+)/);
      if (!match) return;
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      resolve(Number(match[1]));
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before listening`)));
  });
  return { child, port };
}

/** Forks a child with IPC, stdout discarded; plain node (no loader hooks) unless `execArgv` says otherwise. */
export function forkChild(
  script: string,
  args: string[] = [],
  options: { execArgv?: string[]; env?: Record<string, string> } = {},
): ChildProcess {
  return fork(script, args, {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv: options.execArgv ?? [],
    env: { ...process.env, ...options.env },
  });
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
    await new Promise((resolve) => setTimeout(resolve, 10));
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

/** CPU time (user + system) a process has used so far, from /proc (clock ticks of 10 ms). */
export async function cpuMilliseconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the whole line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`no CPU times in /proc/${pid}/stat`);
  return ticks * 10;
}
