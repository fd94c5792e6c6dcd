import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The release rehearsals (`npm run test:release`): each runs `npm run release:local` for real, a local platform
 * with production traffic and a release, so they are named `*.e2e.ts` and kept out of `npm test`. One at a time:
 * each platform's environments and its traffic take the machine's two cores, and a second rehearsal beside it
 * would measure their contention, not the release.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['release/e2e/**/*.e2e.ts'],
    fileParallelism: false,
    // A rehearsal with the e2e plan takes tens of seconds; a crash test runs two.
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
