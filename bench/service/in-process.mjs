// Child process of the bench runner: times one prediction through the built Lambda handler, in process.
// Plain `node`, no loader hooks, so the figures are the bundle's own. stdout (the handler's logs) is discarded
// by the parent; the samples go back over IPC.
import { pathToFileURL } from 'node:url';

const { handler } = await import(pathToFileURL(process.argv[2]).href);

// The parent's local Lambda context, its functions lost to IPC and given back here.
process.once('message', async ({ event, context: data, warmup, iterations }) => {
  const context = { ...data, getRemainingTimeInMillis: () => 30_000 };
  for (let i = 0; i < warmup; i++) await handler(event, context);
  const samples = new Float64Array(iterations);
  // CPU time per call is what the call would take on a core of its own: a call the OS preempted shows a long
  // wall time but a short CPU time, which tells a shared machine's tail from the handler's own.
  const cpuSamples = new Float64Array(iterations);
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < iterations; i++) {
    const cpuAtStart = process.cpuUsage();
    const started = performance.now();
    const result = await handler(event, context);
    samples[i] = performance.now() - started;
    const cpu = process.cpuUsage(cpuAtStart);
    cpuSamples[i] = (cpu.user + cpu.system) / 1000;
    if (result.statusCode !== 200)
      throw new Error(`the handler answered ${result.statusCode}: ${result.body}`);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPerCall = (cpu.user + cpu.system) / 1000 / iterations;
  process.send({ samples: Array.from(samples), cpuSamples: Array.from(cpuSamples), cpuMsPerCall }, () =>
    process.disconnect(),
  );
});
