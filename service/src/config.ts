import { isAbsolute, resolve } from 'node:path';
import { SLO_DEFINITION } from '../../slo/src/definition.ts';

/**
 * The service's whole configuration, read once at start-up. Precedence: environment variable > default.
 * A bad value stops start-up with the variable's name, its value and what would be accepted.
 */

export interface ServiceConfig {
  /** Local server only; 0 asks the OS for a free port. */
  port: number;
  /** Local server only: loopback unless asked, so a developer's laptop does not serve its network. */
  host: string;
  /** Absolute directory holding model.onnx and model.card.json. */
  modelDir: string;
  metricsNamespace: string;
  /**
   * The `Stage` dimension of the metrics (SHIFTGATE_STAGE, which the stack sets). Optional here because only the
   * metrics need it: createService refuses to emit metrics without it.
   */
  stage: string | undefined;
  /** The `Version` dimension: the Lambda version this environment runs ($LATEST when unpublished or off Lambda). */
  functionVersion: string;
  /** Local server only: merge concurrent predictions into shared model runs (MICRO_BATCHING=on|off). */
  microBatching: boolean;
}

export const CONFIG_DEFAULTS = {
  port: 3000,
  host: '127.0.0.1',
  modelDir: 'model/artifacts',
  metricsNamespace: SLO_DEFINITION.metrics.namespace,
  functionVersion: '$LATEST',
  microBatching: true,
} as const;

/**
 * The variable holding the stage's name ('dev', 'prod'), published as the metrics' Stage dimension. The stack
 * sets the variable this names from infra/lib/function-environment.ts, which the PR's image smoke test gives its
 * container too.
 */
export const STAGE_ENVIRONMENT_VARIABLE = 'SHIFTGATE_STAGE';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function variable(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function portOf(env: Env): number {
  const raw = variable(env, 'PORT');
  if (raw === undefined) return CONFIG_DEFAULTS.port;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535) {
    throw new ConfigError(
      `PORT="${raw}" is not a TCP port; set it to an integer from 0 to 65535 or unset it.`,
    );
  }
  return port;
}

function switchOf(env: Env, name: string, fallback: boolean): boolean {
  const raw = variable(env, name);
  if (raw === undefined) return fallback;
  if (raw === 'on' || raw === 'off') return raw === 'on';
  throw new ConfigError(`${name}="${raw}" is neither on nor off; set it to on or off, or unset it.`);
}

export function readConfig(env: Env, cwd: string): ServiceConfig {
  const modelDir = variable(env, 'MODEL_DIR') ?? CONFIG_DEFAULTS.modelDir;
  return {
    port: portOf(env),
    host: variable(env, 'HOST') ?? CONFIG_DEFAULTS.host,
    modelDir: isAbsolute(modelDir) ? modelDir : resolve(cwd, modelDir),
    metricsNamespace: variable(env, 'POWERTOOLS_METRICS_NAMESPACE') ?? CONFIG_DEFAULTS.metricsNamespace,
    stage: variable(env, STAGE_ENVIRONMENT_VARIABLE),
    // Lambda sets it in every execution environment.
    functionVersion: variable(env, 'AWS_LAMBDA_FUNCTION_VERSION') ?? CONFIG_DEFAULTS.functionVersion,
    microBatching: switchOf(env, 'MICRO_BATCHING', CONFIG_DEFAULTS.microBatching),
  };
}
