import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The benchmarks' own checks that start processes or run the model (`npm run test:bench`): the baseline servers
 * answer what the throughput ratios assume. They are named `*.integration.ts` so the default suite, which takes
 * `*.test.ts`, leaves them out and `npm test` stays quick; the benchmarks' pure parts stay in it.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['bench/**/*.integration.ts'],
    // Each check starts a server (the floor loads the model through tsx).
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
