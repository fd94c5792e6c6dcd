import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCostTables } from './cost-table.ts';
import { beanstalkCost, ecrCost, lambdaCost, provisionedConcurrencyFor, totalUsd } from './monthly-cost.ts';

const oneRps = { requestsPerSecond: 1, meanDurationMs: 20, logBytesPerRequest: 700 };

describe('lambdaCost', () => {
  it('charges on-demand requests and GB-seconds: 2.628M requests × 20 ms × 1 GB', () => {
    const lines = lambdaCost(oneRps, { memoryMiB: 1024, architecture: 'x86_64' });
    // 2.628 M requests × $0.20/M; 52,560 GB-s × $0.0000166667.
    expect(lines.map((l) => l.usd)).toEqual([expect.closeTo(0.5256, 4), expect.closeTo(0.876, 3)]);
  });

  it('charges provisioned concurrency all month plus the cheaper duration rate', () => {
    const pc = { min: 2, max: 10, targetUtilization: 0.5 };
    const lines = lambdaCost(oneRps, { memoryMiB: 1024, architecture: 'x86_64', provisionedConcurrency: pc });
    // 2 units × 2,628,000 s × 1 GB × $0.0000041667 = $21.90; 52,560 GB-s × $0.0000097222 = $0.511.
    expect(totalUsd(lines)).toBeCloseTo(0.5256 + 0.511 + 21.9, 1);
  });

  it('is cheaper on arm64 for the same work', () => {
    const shape = { memoryMiB: 1024 } as const;
    expect(totalUsd(lambdaCost(oneRps, { ...shape, architecture: 'arm64' }))).toBeLessThan(
      totalUsd(lambdaCost(oneRps, { ...shape, architecture: 'x86_64' })),
    );
  });
});

describe('provisionedConcurrencyFor', () => {
  it.each([
    { rps: 1, expected: 2, why: 'the minimum holds at low load' },
    { rps: 100, expected: 4, why: '2 busy executions at 0.5 utilisation' },
    { rps: 1000, expected: 10, why: 'the maximum caps it; the rest spills over to on-demand' },
  ])('$rps req/s → $expected ($why)', ({ rps, expected }) => {
    const workload = { ...oneRps, requestsPerSecond: rps };
    expect(provisionedConcurrencyFor(workload, { min: 2, max: 10, targetUtilization: 0.5 })).toBe(expected);
  });
});

describe('fixed costs', () => {
  it('bills the Beanstalk setup by the hour whatever the load', () => {
    const lines = beanstalkCost({
      instances: 2,
      ebsGbPerInstance: 8,
      lcus: 1,
      natGbPerMonth: 0,
      publicIpv4Addresses: 3,
    });
    // 730 h × (2 × 0.0416 + 0.0225 + 0.008 + 0.045 + 3 × 0.005) + 16 GB × 0.08
    expect(totalUsd(lines)).toBeCloseTo(730 * (2 * 0.0416 + 0.0225 + 0.008 + 0.045 + 0.015) + 1.28, 2);
  });

  it('bills ECR storage per image kept', () => {
    expect(ecrCost(0.2, 10).usd).toBeCloseTo(0.2, 6);
  });
});

/** Biome pads Markdown table cells; compare the text with the padding taken out. */
const unpadded = (markdown: string) => markdown.replace(/ {2,}/g, ' ').replace(/-{3,}/g, '---');

describe('docs/infrastructure.md', () => {
  it('shows the cost tables exactly as computed from the prices, stage settings and assumptions', () => {
    const doc = readFileSync(new URL('../../docs/infrastructure.md', import.meta.url), 'utf8');
    expect(unpadded(doc)).toContain(unpadded(renderCostTables()));
  });
});
