/**
 * `npm run build:actions`: bundles every TypeScript action under .github/actions/<name>/ (src/index.ts, which
 * calls run() from src/main.ts) into .github/actions/<name>/dist/index.js with esbuild. The runner executes
 * dist/ as it is in the repository, without `npm ci`, so dist/ is committed and CI rebuilds it and fails on
 * any difference (`npm run build:actions && git diff --exit-code -- .github/actions`). Third-party licence
 * comments go to dist/index.js.LEGAL.txt beside the bundle.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const ACTIONS_DIR = '.github/actions';

const actions = readdirSync(ACTIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(ACTIONS_DIR, entry.name, 'src/index.ts')))
  .map((entry) => entry.name)
  .sort();
if (actions.length === 0) {
  throw new Error(
    `build:actions: no action with src/index.ts under ${ACTIONS_DIR}; run it from the repository root`,
  );
}

for (const name of actions) {
  const outdir = join(ACTIONS_DIR, name, 'dist');
  // A file a previous build wrote and this one does not (a renamed chunk) must not linger in the committed dist/.
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [join(ACTIONS_DIR, name, 'src/index.ts')],
    outfile: join(outdir, 'index.js'),
    bundle: true,
    platform: 'node',
    // action.yml runs it with `using: node24`; node20 keeps the syntax runnable by the tests' Node too.
    target: 'node20',
    format: 'esm',
    // Bundled CommonJS dependencies still call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
    legalComments: 'external',
    minify: true,
    logLevel: 'warning',
  });
  process.stdout.write(`build:actions: ${outdir}/index.js\n`);
}
