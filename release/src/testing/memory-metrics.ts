/**
 * Scripted figures for the in-memory platform: one version's VersionMetrics with healthy defaults, and steady
 * production traffic through live split by the alias's weights as they are when read.
 */
import type { MetricsVia, TimeRange, VersionMetrics } from '../../../platform/src/port.ts';
import type { MemoryPlatform } from './memory-platform.ts';

/** The figures a version shows over a range, with everything not given at its healthy value. */
export function metricsOf(
  version: string,
  range: TimeRange,
  via: MetricsVia,
  figures: Partial<Omit<VersionMetrics, 'version' | 'via' | 'range' | 'app'>> & {
    readonly app?: Partial<VersionMetrics['app']>;
  } = {},
): VersionMetrics {
  const invocations = figures.invocations ?? 0;
  const errors = figures.errors ?? 0;
  const measured = invocations > 0;
  return {
    version,
    via,
    range,
    invocations,
    errors,
    throttles: figures.throttles ?? 0,
    provisionedConcurrencySpilloverInvocations: figures.provisionedConcurrencySpilloverInvocations ?? 0,
    durationP50Ms: figures.durationP50Ms ?? (measured ? 12 : null),
    durationP95Ms: figures.durationP95Ms ?? (measured ? 30 : null),
    app: {
      requests2xx: invocations - errors,
      requests4xx: 0,
      requests5xx: 0,
      latencyP50Ms: measured ? 10 : null,
      latencyP95Ms: measured ? 25 : null,
      ...figures.app,
    },
  };
}

export type MetricsScript = (
  version: string,
  range: TimeRange,
  via: MetricsVia,
  platform: MemoryPlatform,
) => VersionMetrics;

/**
 * Production traffic through live at `ratePerSecond`, each version getting its share of the alias as it is when
 * read, every request healthy; nothing reaches a version's own qualifier.
 */
export function steadyTraffic(ratePerSecond: number): MetricsScript {
  return (version, range, via, platform) => {
    const seconds = Math.max(0, (range.end.getTime() - range.start.getTime()) / 1_000);
    const share = via === 'live' ? platform.shareOf(version) : 0;
    return metricsOf(version, range, via, { invocations: Math.round(ratePerSecond * seconds * share) });
  };
}
