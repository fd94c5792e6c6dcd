/**
 * The smoke test's container runs with the environment the function gets on Lambda, from where the stack sets it
 * (infra/lib/function-environment.ts): without it the handler fails its init in the container (createService
 * refuses to emit metrics without SHIFTGATE_STAGE), as it would on Lambda without the stack's variables.
 * Written as a `docker run --env-file` file: one VARIABLE=value a line, the value taken literally, with no quotes
 * and no expansion (Docker docs, "docker container run", --env-file).
 */
import { STAGE_NAMES } from '../../infra/config/stages.ts';
import { predictionFunctionEnvironment } from '../../infra/lib/function-environment.ts';

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The `--env-file` text for `environment`; a name Docker would misread or a value spanning lines is refused. */
export function envFileText(environment: Readonly<Record<string, string>>): string {
  return Object.entries(environment)
    .map(([name, value]) => {
      if (!VARIABLE_NAME.test(name)) {
        throw new Error(`environment variable name ${JSON.stringify(name)} is not a shell variable name`);
      }
      if (/[\r\n]/.test(value)) {
        throw new Error(
          `environment variable ${name} spans lines (${JSON.stringify(value)}); an --env-file holds one line each`,
        );
      }
      return `${name}=${value}\n`;
    })
    .join('');
}

/** The env file of the stage's function: the stage must be one infra/config knows, as `cdk synth` requires. */
export function functionEnvFile(stage: string): string {
  if (!(STAGE_NAMES as readonly string[]).includes(stage)) {
    throw new Error(
      `stage "${stage}" is not in infra/config/stages.ts; pass one of ${STAGE_NAMES.join(', ')}`,
    );
  }
  return envFileText(predictionFunctionEnvironment(stage));
}
