// Bundles the service for Node (ESM, node20): dist/service/server.mjs (local server), dist/service/lambda.mjs
// (exports `handler`; the Lambda image copies it) and dist/service/invoke.mjs (the `npm run invoke` CLI).
// onnxruntime-node stays external: its native binaries load from node_modules at run time.
// Plain .mjs so a fresh clone builds with `node` alone. The bundle is written beside the old one and swapped in,
// so a failed build never leaves a half-written dist/service. Sizes go to stderr, so that
// `npm run invoke --silent -- event.json | jq` sees only the response.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// zod re-exports every message locale (~360 KiB, a third of the bundle) though only English is ever configured;
// Lambda init compiles all of it. Resolve the locale index to English alone.
const englishOnlyZodLocales = {
  name: 'english-only-zod-locales',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, ({ importer }) =>
      /[\\/]zod[\\/]v4[\\/]classic[\\/]/.test(importer)
        ? { path: join(dirname(importer), '..', 'locales', 'en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'zod-locales' }, ({ path }) => ({
      contents: `export { default as en } from ${JSON.stringify(path)};`,
      resolveDir: dirname(path),
    }));
  },
};
// `node scripts/build-service.mjs [outdir]`: dist/service unless told otherwise (the build test uses its own).
const outdir = resolve(root, process.argv[2] ?? join('dist', 'service'));
const staging = `${outdir}.staging-${process.pid}`;

// onnxruntime-node is CommonJS. Imported from ESM, Node first scans its files with cjs-module-lexer to find
// their exports, a cost every cold start pays; through require() it loads them directly.
const onnxruntimeThroughRequire = {
  name: 'onnxruntime-through-require',
  setup(builder) {
    builder.onResolve({ filter: /^onnxruntime-node$/ }, ({ namespace }) =>
      namespace === 'onnxruntime-shim'
        ? { path: 'onnxruntime-node', external: true }
        : { path: 'onnxruntime-node', namespace: 'onnxruntime-shim' },
    );
    builder.onLoad({ filter: /.*/, namespace: 'onnxruntime-shim' }, () => ({
      contents: "module.exports = require('onnxruntime-node');",
      loader: 'js',
    }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: {
    server: 'service/src/server.ts',
    lambda: 'service/src/lambda/main.ts',
    invoke: 'service/src/lambda/invoke.ts',
  },
  outdir: staging,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['onnxruntime-node'],
  // Bundled CommonJS dependencies call require(); ESM has none, so give the bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  plugins: [englishOnlyZodLocales, onnxruntimeThroughRequire],
  // Smaller source is faster to compile at cold start; the linked source maps keep stack traces readable
  // (run with --enable-source-maps).
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
  metafile: true,
});

await rm(staging, { recursive: true, force: true });
for (const file of result.outputFiles) {
  await mkdir(dirname(file.path), { recursive: true });
  await writeFile(file.path, file.contents);
}
await rm(outdir, { recursive: true, force: true });
await rename(staging, outdir);

for (const [path, { bytes }] of Object.entries(result.metafile.outputs)) {
  if (path.endsWith('.mjs')) {
    const built = join(outdir, relative(relative(root, staging), path));
    console.error(`${relative(root, built)}  ${(bytes / 1024).toFixed(0)} KiB`);
  }
}
