import { ARCHITECTURE_NAMES, IMAGE_CONTEXT_BUDGET_BYTES, type LambdaArchitecture } from './architecture.ts';

/**
 * What the final image stage holds, as data: the service bundle, the model artifact and the parts of
 * onnxruntime-node that run on Linux for one architecture. Everything else in the repository (training data,
 * TypeScript, dev dependencies, other platforms' binaries, caches) is left out by construction: only what this
 * plan names is copied.
 */

/** Where `npm run build` writes the Lambda bundle (onnxruntime-node stays external to it). */
export const SERVICE_BUNDLE = 'dist/service/lambda.mjs';
/** The bundle's name in the image; `.mjs` so the Lambda Node.js runtime loads it as an ES module. */
export const HANDLER_FILE = 'lambda.mjs';
/**
 * The bundle's source map, beside it under the name its `sourceMappingURL` comment gives (esbuild's linked map):
 * with NODE_OPTIONS=--enable-source-maps (the Dockerfile's ENV, NODE_OPTIONS_FLAGS) a stack trace in CloudWatch
 * names service/src files and lines instead of one minified line.
 */
export const SERVICE_BUNDLE_MAP = `${SERVICE_BUNDLE}.map`;
export const HANDLER_SOURCE_MAP = `${HANDLER_FILE}.map`;
/** What the final stage sets NODE_OPTIONS to; dockerfile-lint.ts holds the Dockerfile to it. */
export const NODE_OPTIONS_FLAGS = '--enable-source-maps';
/** The image CMD: `<file without extension>.<export>`; the runtime tries .js, .mjs then .cjs. */
export const LAMBDA_HANDLER = 'lambda.handler';

export const MODEL_ARTIFACT_DIR = 'model/artifacts';
/** The artifact and its card; the service reads both at start-up. Training data lives in model/data, never here. */
export const MODEL_FILES = ['model.onnx', 'model.card.json'] as const;

/** The only runtime packages the bundle leaves external: the native binding and its pure-JS common half. */
export const RUNTIME_PACKAGES = ['onnxruntime-node', 'onnxruntime-common'] as const;
export type RuntimePackage = (typeof RUNTIME_PACKAGES)[number];

export interface CopyStep {
  /** Relative to the repository root. */
  readonly from: string;
  /** Relative to the image context (the image's LAMBDA_TASK_ROOT). */
  readonly to: string;
}

/**
 * Whether a file of a runtime package (path relative to the package folder, `/`-separated) is needed at run
 * time on Linux `architecture`: package manifests (module resolution reads them, including the nested
 * `{"type":"commonjs"}` ones), compiled JS under dist/, and that one architecture's native binaries.
 * Source maps, type declarations, TypeScript sources and install scripts are not.
 */
export function isRuntimeFile(relativePath: string, architecture: LambdaArchitecture): boolean {
  const fileName = relativePath.split('/').at(-1) ?? '';
  if (fileName === 'package.json') return true;
  if (relativePath.startsWith('dist/')) return fileName.endsWith('.js');
  const nativeDir = `bin/napi-v6/linux/${ARCHITECTURE_NAMES[architecture].node}/`;
  return relativePath.startsWith(nativeDir);
}

export interface ContextInputs {
  readonly architecture: LambdaArchitecture;
  /** Every file of each runtime package, relative to its package folder. */
  readonly packageFiles: Readonly<Record<RuntimePackage, readonly string[]>>;
}

/** The ordered copy steps that lay out the image context; pure, so the layout is testable without a disk. */
export function planImageContext({ architecture, packageFiles }: ContextInputs): CopyStep[] {
  const runtimeSteps = RUNTIME_PACKAGES.flatMap((name) =>
    packageFiles[name]
      .filter((file) => isRuntimeFile(file, architecture))
      .map((file) => ({ from: `node_modules/${name}/${file}`, to: `node_modules/${name}/${file}` })),
  );
  const nativeCount = runtimeSteps.filter((step) => step.from.includes('/bin/napi-v6/')).length;
  if (nativeCount === 0) {
    throw new Error(
      `onnxruntime-node has no native binaries for linux/${ARCHITECTURE_NAMES[architecture].node}: ` +
        'reinstall it (npm ci) or pick an architecture it ships.',
    );
  }
  const modelSteps = MODEL_FILES.map((file) => ({
    from: `${MODEL_ARTIFACT_DIR}/${file}`,
    to: `${MODEL_ARTIFACT_DIR}/${file}`,
  }));
  return [
    ...runtimeSteps,
    ...modelSteps,
    { from: SERVICE_BUNDLE, to: HANDLER_FILE },
    { from: SERVICE_BUNDLE_MAP, to: HANDLER_SOURCE_MAP },
  ];
}

export interface BudgetVerdict {
  readonly totalBytes: number;
  readonly budgetBytes: number;
  readonly withinBudget: boolean;
}

export function checkBudget(fileSizes: readonly number[], architecture: LambdaArchitecture): BudgetVerdict {
  const totalBytes = fileSizes.reduce((sum, size) => sum + size, 0);
  const budgetBytes = IMAGE_CONTEXT_BUDGET_BYTES[architecture];
  return { totalBytes, budgetBytes, withinBudget: totalBytes <= budgetBytes };
}
