/** The publisher's configuration: environment variables set by infra, read once and checked (the name says which). */
import { SLO_ENV } from '../slo-env.ts';

export interface PublisherConfig {
  functionName: string;
  aliasName: string;
  stage: string;
  /** Namespace of the app's metrics, where BurnRate and ErrorBudgetRemaining are written too. */
  namespace: string;
}

// Every field of the configuration has its variable.
SLO_ENV satisfies Record<keyof PublisherConfig, string>;

const TOKEN = /^[A-Za-z0-9._/:-]+$/;

/** Every missing or malformed variable is reported at once. */
export function readPublisherConfig(env: Readonly<Record<string, string | undefined>>): PublisherConfig {
  const problems: string[] = [];
  const read = (key: keyof PublisherConfig): string => {
    const name = SLO_ENV[key];
    const value = env[name]?.trim() ?? '';
    if (value === '') problems.push(`${name} is not set; infra sets it to the ${key} of the SLO to publish`);
    else if (!TOKEN.test(value))
      problems.push(`${name} is '${value}'; use letters, digits and . _ / : - only`);
    return value;
  };
  const config = {
    functionName: read('functionName'),
    aliasName: read('aliasName'),
    stage: read('stage'),
    namespace: read('namespace'),
  };
  if (problems.length > 0) throw new Error(`SLO publisher configuration: ${problems.join('; ')}`);
  return config;
}
