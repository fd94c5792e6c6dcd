import { median } from '../../common/percentile.ts';

/**
 * The HTTP servers the throughput benchmarks load one after another under the same load, each its own process.
 * The floor is the denominator of issue 9's ratio: node:http with one model run per request and no framework.
 * The other layers say what each part of the stack costs: a fixed answer (no model) with and without Hono, the
 * service with its request log off, and the service with and without micro-batching.
 */
export const LAYERS = [
  {
    name: 'bare',
    label: 'bare node:http, fixed answer',
    kind: 'fixed-answer',
    script: 'bare-server.mjs',
  },
  {
    name: 'hono',
    label: 'Hono on @hono/node-server, fixed answer',
    kind: 'fixed-answer',
    script: 'hono-server.mjs',
  },
  { name: 'floor', label: 'floor: node:http + one model run, no framework', kind: 'floor' },
  {
    name: 'service-log-silenced',
    label: 'the service, request log off (POWERTOOLS_LOG_LEVEL=SILENT)',
    kind: 'service',
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
  },
  {
    name: 'service-unbatched',
    label: 'the service, micro-batching off (MICRO_BATCHING=off)',
    kind: 'service',
    env: { MICRO_BATCHING: 'off' },
  },
  { name: 'service', label: 'the service as shipped (micro-batching on)', kind: 'service', env: {} },
] as const;

export type Layer = (typeof LAYERS)[number];
export type LayerName = Layer['name'];

/** The layers of `npm run bench`: the floor and the service with and without micro-batching. */
export const RATIO_LAYERS: readonly LayerName[] = ['floor', 'service-unbatched', 'service'];

export function layersNamed(names: readonly LayerName[]): Layer[] {
  return LAYERS.filter((layer) => names.includes(layer.name));
}

export interface LayerSample {
  layer: LayerName;
  rps: number;
  serverCpuMsPerRequest: number;
}

export interface LayerSummary {
  name: LayerName;
  label: string;
  rpsByRound: number[];
  medianRps: number;
  /** Median requests/s over the floor's median: issue 9's throughput ratio. */
  ratioToFloor: number;
  medianServerCpuUsPerRequest: number;
}

/** One summary per layer that has samples, in LAYERS order; the floor must be among them. */
export function summarizeLayers(samples: readonly LayerSample[]): LayerSummary[] {
  const of = (name: LayerName) => samples.filter((sample) => sample.layer === name);
  const floor = of('floor');
  if (floor.length === 0)
    throw new Error('no samples of the floor server: its requests/s is the denominator');
  const floorRps = median(floor.map((sample) => sample.rps));
  return LAYERS.flatMap(({ name, label }) => {
    const layerSamples = of(name);
    if (layerSamples.length === 0) return [];
    const medianRps = median(layerSamples.map((sample) => sample.rps));
    return [
      {
        name,
        label,
        rpsByRound: layerSamples.map((sample) => sample.rps),
        medianRps,
        ratioToFloor: medianRps / floorRps,
        medianServerCpuUsPerRequest: median(
          layerSamples.map((sample) => sample.serverCpuMsPerRequest * 1000),
        ),
      },
    ];
  });
}

export function ratioOf(summaries: readonly LayerSummary[], name: LayerName): number {
  const summary = summaries.find((candidate) => candidate.name === name);
  if (summary === undefined) throw new Error(`no samples of layer ${name}`);
  return summary.ratioToFloor;
}

export function renderLayers(summaries: readonly LayerSummary[]): string {
  const rows = summaries.map(
    (summary) =>
      `| ${summary.label} | ${summary.rpsByRound.map((rps) => rps.toFixed(0)).join(' / ')} | ` +
      `${summary.ratioToFloor.toFixed(2)} × | ${summary.medianServerCpuUsPerRequest.toFixed(0)} µs |`,
  );
  return [
    '| Layer | req/s by round | ÷ floor (median) | server CPU per request (median) |',
    '|---|---:|---:|---:|',
    ...rows,
  ].join('\n');
}
