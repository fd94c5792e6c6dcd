import { describe, expect, it } from 'vitest';
import {
  type LayerSample,
  layersNamed,
  RATIO_LAYERS,
  ratioOf,
  renderLayers,
  summarizeLayers,
} from './layers.ts';

const sample = (layer: LayerSample['layer'], rps: number, cpuMs = 0.05): LayerSample => ({
  layer,
  rps,
  serverCpuMsPerRequest: cpuMs,
});

const rounds: LayerSample[] = [
  sample('floor', 10_000),
  sample('service-unbatched', 6_000),
  sample('service', 8_000, 0.18),
  sample('floor', 12_000),
  sample('service-unbatched', 5_000),
  sample('service', 7_000, 0.17),
  sample('floor', 11_000),
  sample('service-unbatched', 7_000),
  sample('service', 9_000, 0.19),
];

describe('summarizeLayers', () => {
  it('divides each layer’s median requests/s by the floor’s median', () => {
    const summaries = summarizeLayers(rounds);
    expect(summaries.map((summary) => summary.name)).toEqual(RATIO_LAYERS);
    expect(ratioOf(summaries, 'floor')).toBe(1);
    expect(ratioOf(summaries, 'service')).toBeCloseTo(8_000 / 11_000, 12);
    expect(ratioOf(summaries, 'service-unbatched')).toBeCloseTo(6_000 / 11_000, 12);
    const service = summaries.find((summary) => summary.name === 'service');
    expect(service?.rpsByRound).toEqual([8_000, 7_000, 9_000]);
    expect(service?.medianServerCpuUsPerRequest).toBeCloseTo(180, 9);
  });

  it('refuses samples without the floor, and names a layer asked for without samples', () => {
    expect(() => summarizeLayers(rounds.filter((s) => s.layer !== 'floor'))).toThrow(/floor server/);
    expect(() => ratioOf(summarizeLayers(rounds), 'hono')).toThrow(/layer hono/);
  });
});

describe('layersNamed', () => {
  it('keeps the order of LAYERS', () => {
    expect(layersNamed(['service', 'floor']).map((layer) => layer.name)).toEqual(['floor', 'service']);
  });
});

describe('renderLayers', () => {
  it('prints one row per layer with its rounds, ratio and CPU', () => {
    const table = renderLayers(summarizeLayers(rounds));
    const lines = table.split('\n');
    expect(lines).toHaveLength(2 + RATIO_LAYERS.length);
    expect(lines.at(-1)).toBe(
      '| the service as shipped (micro-batching on) | 8000 / 7000 / 9000 | 0.73 × | 180 µs |',
    );
  });
});
