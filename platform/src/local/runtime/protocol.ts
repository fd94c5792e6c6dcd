import type { FaultPlan } from '../faults.ts';

/**
 * What the execution environment's parent (environment.ts) and its child (bootstrap.ts) say to each other over
 * the IPC channel, and the one configuration the child reads. Messages stay small and flat: each crosses the
 * channel as one JSON line, and the hand-off's cost is part of every invocation's overhead.
 */

/** The variable holding the RuntimeConfig as JSON. */
export const RUNTIME_CONFIG_VARIABLE = 'SHIFTGATE_RUNTIME_CONFIG';

/** The region of every ARN and of AWS_REGION: none of AWS's, so nothing mistakes it for a real one. */
export const LOCAL_REGION = 'local';
const LOCAL_ACCOUNT = '000000000000';

export interface RuntimeConfig {
  /** Absolute path of the module exporting `handler` (the version's lambda.mjs). */
  readonly handlerFile: string;
  readonly functionName: string;
  readonly version: string;
  readonly memoryMb: number;
  readonly faults: FaultPlan;
  /** The traffic the environment was started for: an `init-fail@live` fails only an environment started for live. */
  readonly startedFor: 'live' | 'version';
  /** The child exits when this process is no longer its parent (a last guard beside the IPC channel's end). */
  readonly parentPid: number;
}

export type ChildMessage =
  | { readonly type: 'ready'; readonly initMs: number }
  | { readonly type: 'init-error'; readonly errorType: string; readonly errorMessage: string }
  | { readonly type: 'result'; readonly id: number; readonly result: unknown; readonly durationMs: number }
  | {
      readonly type: 'error';
      readonly id: number;
      readonly errorType: string;
      readonly errorMessage: string;
      readonly durationMs: number;
    };

export interface InvokeMessage {
  readonly type: 'invoke';
  readonly id: number;
  readonly event: unknown;
  /** `live` or a version number: the qualifier the caller invoked. */
  readonly qualifier: string;
  readonly requestId: string;
  readonly deadlineEpochMs: number;
}

export const functionArn = (functionName: string, qualifier: string) =>
  `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}:${qualifier}`;
