/**
 * npm run bench:loadtest [-- --rate 5000 --duration 10]: how much open-model load the Node runner sustains on
 * this machine against a trivial local server (fixture server, no delay, in its own process), and what the
 * runner itself costs per request. Prints a JSON summary; docs/load-testing.md records the figures.
 *
 * Overhead per request is measured two ways:
 * - CPU: the runner process's user+system CPU time during the run / requests answered;
 * - send lag: how late the runner sent each request against its schedule (its contribution to latency).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runCli } from '../../common/cli.ts';
import { startFixtureServer } from '../../loadtest/fixtures/start-fixture-server.ts';
import { buildCorpus } from '../../loadtest/src/corpus.ts';
import { runOpenModel } from '../../loadtest/src/open-model.ts';
import { isTargetRateReached } from '../../loadtest/src/result.ts';
import { concurrencyFor } from '../../loadtest/src/scenarios.ts';
import { loadTestObjectives } from '../../slo/src/load-test.ts';

async function main(): Promise<number | undefined> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { rate: { type: 'string', default: '5000' }, duration: { type: 'string', default: '10' } },
  });
  const rate = Number(values.rate);
  const duration = Number(values.duration);
  if (!Number.isInteger(rate) || rate <= 0 || !Number.isInteger(duration) || duration <= 0) {
    throw new Error(
      `--rate and --duration must be positive whole numbers, got ${values.rate} and ${values.duration}`,
    );
  }

  /** Both processes are JIT-compiled and their sockets opened before anything is measured. */
  const WARMUP = [
    { rate: Math.ceil(rate / 5), seconds: 1 },
    { rate, seconds: 2 },
  ];

  /** The same request mix as the scenarios: body size is part of the runner's cost per request. */
  const bodies = buildCorpus().map((body) => JSON.stringify(body));
  const server = await startFixtureServer();
  try {
    const plan = (ratePerSecond: number, durationSeconds: number) => ({
      url: `${server.url}/predict`,
      ratePerSecond,
      durationSeconds,
      bodies,
      maxInFlight: concurrencyFor(ratePerSecond).max,
      requestTimeoutMs: 10_000,
      badStatusFrom: loadTestObjectives().availability.badStatusFrom,
    });
    for (const step of WARMUP) await runOpenModel(plan(step.rate, step.seconds));

    const cpuBefore = process.cpuUsage();
    const run = await runOpenModel(plan(rate, duration));
    const cpu = process.cpuUsage(cpuBefore);
    const summary = run.recorder.summary();
    const achieved = summary.requests / run.elapsedSeconds;
    const report = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        loadavg1m: loadavg()[0],
      },
      targetRatePerSecond: rate,
      durationSeconds: duration,
      achievedRatePerSecond: Number(achieved.toFixed(1)),
      sustained: isTargetRateReached(rate, achieved, run.dropped),
      requests: summary.requests,
      dropped: run.dropped,
      errors: summary.errors,
      latencyMs: summary.latencyMs,
      runnerCpuMicrosPerRequest: Number(((cpu.user + cpu.system) / summary.requests).toFixed(1)),
      runnerCpuShareOfOneCore: Number(((cpu.user + cpu.system) / 1e6 / run.elapsedSeconds).toFixed(3)),
      sendLagMs: run.recorder.sendLagMs(),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return undefined;
  } finally {
    await server.stop();
  }
}

await runCli(
  { name: 'bench:loadtest', usage: 'npm run bench:loadtest [-- --rate 5000 --duration 10]' },
  main,
);
