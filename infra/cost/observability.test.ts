import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT_MS, type Synthesized, synthesize } from '../lib/testing/synth.ts';
import { PROD_OBSERVABILITY } from './cost-table.ts';

/**
 * The cost table counts alarms and keys from the plans the stack is built from; this holds those counts to what
 * the prod stack really synthesizes, so a new alarm cannot stay out of the cost.
 */

interface MetricAlarmProperties {
  MetricName?: string;
  Metrics?: { MetricStat?: unknown }[];
}

let synthesized: Synthesized | undefined;
afterAll(() => {
  if (synthesized) rmSync(synthesized.outdir, { recursive: true, force: true });
});

describe('the cost model counts what the prod stack deploys', () => {
  it(
    'bills every metric each alarm reads, every composite alarm and every KMS key',
    () => {
      synthesized = synthesize({ stage: 'prod' });
      const template = synthesized.service;
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
        (resource) => resource.Properties as MetricAlarmProperties,
      );
      const metricsRead = alarms.reduce(
        (sum, alarm) =>
          sum +
          (alarm.MetricName === undefined ? (alarm.Metrics ?? []).filter((m) => m.MetricStat).length : 1),
        0,
      );
      expect(PROD_OBSERVABILITY.alarmMetrics).toBe(metricsRead);
      expect(PROD_OBSERVABILITY.compositeAlarms).toBe(
        Object.keys(template.findResources('AWS::CloudWatch::CompositeAlarm')).length,
      );
      expect(PROD_OBSERVABILITY.kmsKeys).toBe(Object.keys(template.findResources('AWS::KMS::Key')).length);
      expect(PROD_OBSERVABILITY.dashboards).toBe(
        Object.keys(template.findResources('AWS::CloudWatch::Dashboard')).length,
      );
    },
    SYNTH_TIMEOUT_MS,
  );
});
