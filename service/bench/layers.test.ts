import { describe, expect, it } from 'vitest';
import { LAYERS, type LayerSample, renderLayers, summarizeLayers } from './layers.ts';

const sample = (layer: LayerSample['layer'], rps: number, cpuMs = 0.05): LayerSample => ({
  layer,
  rps,
  serverCpuMsPerRequest: cpuMs,
});

const rounds: LayerSample[] = [
  sample('bare', 16_000),
  sample('hono', 11_000),
  sample('service-log-silenced', 8_000),
  sample('service', 6_000, 0.18),
  sample('bare', 20_000),
  sample('hono', 12_000),
  sample('service-log-silenced', 9_000),
  sample('service', 5_000, 0.17),
  sample('bare', 18_000),
  sample('hono', 10_000),
  sample('service-log-silenced', 7_000),
  sample('service', 7_000, 0.19),
];

describe('summarizeLayers', () => {
  it('divides each layer’s median requests/s by the bare server’s median', () => {
    const summaries = summarizeLayers(rounds);
    expect(summaries.map((summary) => summary.name)).toEqual(LAYERS.map((layer) => layer.name));
    const byName = Object.fromEntries(summaries.map((summary) => [summary.name, summary]));
    expect(byName.bare?.ratioToBare).toBe(1);
    expect(byName.hono?.ratioToBare).toBeCloseTo(11_000 / 18_000, 12);
    expect(byName.service?.ratioToBare).toBeCloseTo(6_000 / 18_000, 12);
    expect(byName.service?.rpsByRound).toEqual([6_000, 5_000, 7_000]);
    expect(byName.service?.medianServerCpuUsPerRequest).toBeCloseTo(180, 9);
  });

  it('refuses samples without the bare baseline or with a layer missing', () => {
    expect(() => summarizeLayers(rounds.filter((s) => s.layer !== 'bare'))).toThrow(/bare server/);
    expect(() => summarizeLayers(rounds.filter((s) => s.layer !== 'hono'))).toThrow(/layer hono/);
  });
});

describe('renderLayers', () => {
  it('prints one row per layer with its rounds, ratio and CPU', () => {
    const table = renderLayers(summarizeLayers(rounds));
    const lines = table.split('\n');
    expect(lines).toHaveLength(2 + LAYERS.length);
    expect(lines.at(-1)).toBe('| the service as shipped | 6000 / 5000 / 7000 | 0.33 × | 180 µs |');
  });
});
