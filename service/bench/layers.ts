import { median } from './stats.ts';

/**
 * The layers of the HTTP stack that `npm run bench:layers` loads one after another, each a separate server:
 * the bare baseline of issue 2's ratio, the framework alone, the service without its per-request log line, and
 * the service as shipped. The differences between neighbours are what each layer costs.
 */
export const LAYERS = [
  { name: 'bare', label: 'bare node:http, fixed answer', kind: 'fixed-answer', script: 'bare-server.mjs' },
  {
    name: 'hono',
    label: 'Hono on @hono/node-server, fixed answer',
    kind: 'fixed-answer',
    script: 'hono-server.mjs',
  },
  {
    name: 'service-log-silenced',
    label: 'the service, request log off (POWERTOOLS_LOG_LEVEL=SILENT)',
    kind: 'service',
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
  },
  { name: 'service', label: 'the service as shipped', kind: 'service', env: {} },
] as const;

export type LayerName = (typeof LAYERS)[number]['name'];

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
  /** Median requests/s over the bare server's median: issue 2's throughput ratio, layer by layer. */
  ratioToBare: number;
  medianServerCpuUsPerRequest: number;
}

export function summarizeLayers(samples: readonly LayerSample[]): LayerSummary[] {
  const of = (name: LayerName) => samples.filter((sample) => sample.layer === name);
  const bare = of('bare');
  if (bare.length === 0) throw new Error('no samples of the bare server: its requests/s is the denominator');
  const bareRps = median(bare.map((sample) => sample.rps));
  return LAYERS.map(({ name, label }) => {
    const layerSamples = of(name);
    if (layerSamples.length === 0) throw new Error(`no samples of layer ${name}`);
    const medianRps = median(layerSamples.map((sample) => sample.rps));
    return {
      name,
      label,
      rpsByRound: layerSamples.map((sample) => sample.rps),
      medianRps,
      ratioToBare: medianRps / bareRps,
      medianServerCpuUsPerRequest: median(layerSamples.map((sample) => sample.serverCpuMsPerRequest * 1000)),
    };
  });
}

export function renderLayers(summaries: readonly LayerSummary[]): string {
  const rows = summaries.map(
    (summary) =>
      `| ${summary.label} | ${summary.rpsByRound.map((rps) => rps.toFixed(0)).join(' / ')} | ` +
      `${summary.ratioToBare.toFixed(2)} × | ${summary.medianServerCpuUsPerRequest.toFixed(0)} µs |`,
  );
  return [
    '| Layer | req/s by round | ÷ bare (median) | server CPU per request (median) |',
    '|---|---:|---:|---:|',
    ...rows,
  ].join('\n');
}
