/**
 * A ReleaseIo over a MemoryPlatform for the orchestrator's tests: time from the platform's fake clock, a
 * pre-traffic verdict and drift answers as scripted (healthy by default), the page alarms and the freeze as given,
 * and the progress lines kept for assertions.
 */
import { evaluateGate } from '../../../loadtest/src/gate.ts';
import type { LoadTestResult } from '../../../loadtest/src/result.ts';
import { aResult } from '../../../loadtest/src/test-results.ts';
import { loadTestObjectives } from '../../../slo/src/load-test.ts';
import type { Answer } from '../drift.ts';
import type { FreezeStatus, ReleaseState } from '../model.ts';
import type { ReleaseIo } from '../ports.ts';
import type { MemoryPlatform } from './memory-platform.ts';

/** The service's answer to one household: twelve monthly kWh, each `scale` times a fixed curve. */
export function predictionAnswer(scale = 1): Answer {
  const monthly = Array.from({ length: 12 }, (_, index) => ({
    month: index + 1,
    kwh: (200 + index * 10) * scale,
  }));
  return {
    status: 200,
    body: {
      modelVersion: 'test',
      unit: 'kWh',
      monthly,
      annualKwh: monthly.reduce((sum, m) => sum + m.kwh, 0),
    },
  };
}

export interface MemoryIoScript {
  /** The candidate's pre-traffic load test result; a healthy one by default. */
  readonly pretraffic?: LoadTestResult;
  /** The answers a URL gives; the same prediction for every URL by default (no drift). */
  readonly answer?: (url: string, index: number) => Answer;
  readonly firingPageAlarms?: () => readonly string[] | null;
  /** Why the page alarms give null (e.g. --no-page-alarms); the platform has none unless given. */
  readonly pageAlarmsNotChecked?: string;
  readonly freeze?: () => Promise<FreezeStatus>;
  readonly onEnter?: (state: ReleaseState) => void;
  /** Live lines are drawn (a terminal). */
  readonly redraws?: boolean;
}

export interface MemoryIo extends ReleaseIo {
  readonly steps: string[];
  readonly liveLines: string[];
  /** The URLs the pre-traffic test ran against, with its duration. */
  readonly pretrafficRuns: { url: string; seconds: number }[];
}

export const NOT_FROZEN: FreezeStatus = {
  checked: true,
  frozen: false,
  detail: 'every budget has something left',
};

export function memoryIo(platform: MemoryPlatform, script: MemoryIoScript = {}): MemoryIo {
  const steps: string[] = [];
  const liveLines: string[] = [];
  const pretrafficRuns: { url: string; seconds: number }[] = [];
  return {
    platform,
    steps,
    liveLines,
    pretrafficRuns,
    async pretraffic(url, seconds) {
      pretrafficRuns.push({ url, seconds });
      const result = script.pretraffic ?? aResult({ scenario: 'canary', target: url });
      return { verdict: evaluateGate(result, loadTestObjectives()), result };
    },
    async ask(url, bodies) {
      return bodies.map((_, index) => script.answer?.(url, index) ?? predictionAnswer());
    },
    async firingPageAlarms() {
      return script.firingPageAlarms?.() ?? null;
    },
    ...(script.pageAlarmsNotChecked === undefined
      ? {}
      : { pageAlarmsNotChecked: script.pageAlarmsNotChecked }),
    freeze: script.freeze ?? (async () => NOT_FROZEN),
    now: () => platform.clock.now(),
    sleep: (ms) => platform.clock.sleep(ms),
    progress: {
      redraws: script.redraws ?? false,
      step: (line) => steps.push(line),
      live: (line) => liveLines.push(line),
    },
    ...(script.onEnter ? { onEnter: script.onEnter } : {}),
  };
}
