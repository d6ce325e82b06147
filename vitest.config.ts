import { defineConfig } from 'vitest/config';

// Two cores on every machine here: the moto, Terraform and end-to-end suites each start their
// own servers and processes, so files run in two forks and hooks get room to start them.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/cdktf-matchers.ts', 'test/support/child-coverage-env.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    coverage: {
      // @vitest/coverage-v8 plus the CLI's child processes (test/support/coverage-provider.ts).
      provider: 'custom',
      customProviderModule: 'test/support/coverage-provider.ts',
      include: ['lib/**/*.ts', 'main.ts'],
      // Runs only in the browser (inlined into the sealing page); test/sealing/sealing-page.test.ts drives it in Chromium.
      exclude: ['lib/sealing/page-main.ts'],
      reporter: ['text-summary', 'html', 'json-summary'],
      reportsDirectory: 'coverage',
      // Set just below what the suite reaches, the CLI's child processes included (docs/development.md);
      // a drop below any of them fails the run.
      thresholds: { lines: 95, statements: 94, functions: 97, branches: 83 },
    },
  },
});
