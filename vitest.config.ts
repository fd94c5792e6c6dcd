import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      '{common,test,service,model,slo,loadtest,infra,scripts,bench,platform,release,pipeline,client}/**/*.test.ts',
      '.github/actions/*/src/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**', '**/cdk.out/**'],
    // CDK's Template.fromStack takes 3-4 s the first time; server-starting tests need headroom too.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
