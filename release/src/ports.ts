/**
 * What the release's shell needs from the outside world besides the Platform: the load test, the HTTP probe, the
 * alarms, the freeze, time, and somewhere to say what it is doing. The orchestrator talks only to these, so the
 * same release runs against AWS (aws-release-io.ts), the local rehearsal, and an in-memory platform in tests.
 */
import type { GateVerdict } from '../../loadtest/src/gate.ts';
import type { LoadTestResult } from '../../loadtest/src/result.ts';
import type { Platform } from '../../platform/src/port.ts';
import type { Answer } from './drift.ts';
import type { FreezeStatus, ReleaseState } from './model.ts';

/** Where the release reports progress: a line per step that stays (CI logs), a line that is redrawn (a TTY). */
export interface ReleaseProgressSink {
  step(line: string): void;
  /** Replaces the previous live line; nothing where lines cannot be redrawn. */
  live(line: string): void;
  /** True where live lines are shown: only then does a bake read its figures while it waits, to show them. */
  readonly redraws?: boolean;
}

export interface ReleaseIo {
  /** platform/src/port.ts: LocalPlatform or AwsPlatform. */
  readonly platform: Platform;
  /**
   * The `canary` scenario against `url` (the candidate alone) for `seconds`; the SLO gate's verdict. It stops early
   * once the candidate's bad share is significantly above the SLO's at `errorAlpha` (release/src/pretraffic.ts).
   */
  pretraffic(
    url: string,
    seconds: number,
    errorAlpha: number,
  ): Promise<{ verdict: GateVerdict; result: LoadTestResult }>;
  /** POSTs each body to `url`'s /predict; the answers in order (release/src/drift.ts Answer). */
  ask(url: string, bodies: readonly string[]): Promise<Answer[]>;
  /** The page-severity composite alarms in ALARM; null where they are not checked. */
  firingPageAlarms(): Promise<readonly string[] | null>;
  /** Why firingPageAlarms gives null, as the report's alarm check says it; the platform has none unless given. */
  readonly pageAlarmsNotChecked?: string;
  freeze(): Promise<FreezeStatus>;
  now(): Date;
  sleep(ms: number): Promise<void>;
  /** One line per step in CI logs, a live line on a TTY. */
  readonly progress: ReleaseProgressSink;
  /** After a state is journaled, before it is performed: `--crash-at` SIGKILLs the process here. */
  onEnter?(state: ReleaseState): void;
}
