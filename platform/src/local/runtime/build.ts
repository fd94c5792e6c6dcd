import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeFileAtomic } from '../../../../common/atomic-write.ts';

/**
 * Bundles the execution environments' runtime (bootstrap.ts) into one ESM file that plain `node` runs: no tsx in
 * an environment, whose every cold start would pay for it. The file is written whole or not at all, so a daemon
 * starting beside a failed build never spawns half a runtime.
 */

const BOOTSTRAP = fileURLToPath(new URL('./bootstrap.ts', import.meta.url));

export async function buildRuntime(outFile: string): Promise<void> {
  const result = await build({
    entryPoints: [BOOTSTRAP],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  }).catch((error: unknown) => {
    throw new Error(`cannot bundle the runtime ${BOOTSTRAP}: fix the errors esbuild names`, { cause: error });
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error(`esbuild produced no output for ${BOOTSTRAP}`);
  await writeFileAtomic(outFile, output.contents);
}
