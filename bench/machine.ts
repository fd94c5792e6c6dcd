import { availableParallelism, cpus, loadavg } from 'node:os';

/** The machine a benchmark ran on, recorded with its figures: they mean nothing without it (docs/performance.md). */
export interface Machine {
  date: string;
  cpus: number;
  cpuModel: string;
  node: string;
  loadAverageAtStart: number[];
}

export function describeMachine(): Machine {
  return {
    date: new Date().toISOString(),
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadAverageAtStart: loadavg().map((load) => Number(load.toFixed(2))),
  };
}

/** One progress line: cores, model, Node and the load average other work puts on the machine. */
export function machineLine(machine: Machine): string {
  return `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}`;
}
