/**
 * The one table that names each CPU architecture in the three vocabularies that meet in this project: Lambda's
 * (`x86_64`, `arm64`), Docker's `TARGETARCH` (`amd64`, `arm64`) and Node's `process.arch` (`x64`, `arm64`),
 * which is also the folder name of onnxruntime-node's native binaries.
 */
export const LAMBDA_ARCHITECTURES = ['x86_64', 'arm64'] as const;
export type LambdaArchitecture = (typeof LAMBDA_ARCHITECTURES)[number];

interface ArchitectureNames {
  readonly docker: string;
  readonly node: string;
  readonly dockerPlatform: string;
}

export const ARCHITECTURE_NAMES: Readonly<Record<LambdaArchitecture, ArchitectureNames>> = {
  x86_64: { docker: 'amd64', node: 'x64', dockerPlatform: 'linux/amd64' },
  arm64: { docker: 'arm64', node: 'arm64', dockerPlatform: 'linux/arm64' },
};

const MIB = 1024 * 1024;

/**
 * Upper bound of the final image's own content (everything above the base image), per architecture.
 * onnxruntime-node 1.30's linux binaries (libonnxruntime.so.1 + the N-API binding) are 45 MiB on x64 and
 * 25 MiB on arm64; the bundle, onnxruntime's JS and the model take ~2 MiB. The ~13 MiB of headroom per arch
 * absorbs an onnxruntime patch release or a model a few times larger, while still failing loudly if another
 * platform's binaries, a second copy of onnxruntime or a dependency tree slips in (the naive `npm ci` tree
 * is ~300 MiB of onnxruntime alone).
 */
export const IMAGE_CONTEXT_BUDGET_BYTES: Readonly<Record<LambdaArchitecture, number>> = {
  x86_64: 60 * MIB,
  arm64: 40 * MIB,
};

/** Accepts Lambda's and Docker's names (the Dockerfile passes TARGETARCH); anything else is an error. */
export function parseArchitecture(name: string): LambdaArchitecture {
  for (const architecture of LAMBDA_ARCHITECTURES) {
    if (name === architecture || name === ARCHITECTURE_NAMES[architecture].docker) return architecture;
  }
  const accepted = LAMBDA_ARCHITECTURES.flatMap((a) => [a, ARCHITECTURE_NAMES[a].docker]);
  throw new Error(
    `Unknown architecture "${name}": use one of ${[...new Set(accepted)].join(', ')} (Lambda or Docker names).`,
  );
}
