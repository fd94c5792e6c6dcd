import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * What the stack's own small Node.js functions (the burn-rate publisher, the alias keeper) share: the runtime the
 * code is built and tested for, an ES module bundle with its source map, and JSON logs. Each adds its entry, role,
 * log group, timeout and environment.
 */
export const HELPER_FUNCTION_DEFAULTS = {
  handler: 'handler',
  // The runtime the service is built and tested for (package.json engines, CI on Node 22).
  runtime: Runtime.NODEJS_22_X,
  architecture: Architecture.ARM_64,
  memorySize: 256,
  loggingFormat: LoggingFormat.JSON,
  bundling: {
    format: OutputFormat.ESM,
    target: 'node22',
    minify: true,
    sourceMap: true,
    // Bundle the SDK version the handler is tested with rather than the one the runtime happens to carry.
    externalModules: [],
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
} as const satisfies NodejsFunctionProps;

/** A helper function's environment: its own variables, and stack traces through the bundle's source map. */
export function helperFunctionEnvironment(
  variables: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return { ...variables, NODE_OPTIONS: '--enable-source-maps' };
}
