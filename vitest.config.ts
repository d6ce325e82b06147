import { defineConfig } from 'vitest/config';
import SlowestProjectsFirst from './test/support/sequencer.js';

// The AWS SDK's warning about Node 20 would print once a run from the global setups (moto, the
// Terraform fixture), which load the SDK in vitest's own process; the workers get it from `env`.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * Four projects, by what a test needs besides Node. `unit` needs nothing else (npm run
 * test:unit); `aws` needs moto; `terraform` needs moto, terraform and the provider mirror (and
 * Chromium for the one scenario that runs a rotation from due to done);
 * `browser` needs moto and Chromium. A test that starts moto, Terraform or Chromium outside
 * those projects fails saying where it belongs (test/support/project-guard.ts).
 */
const AWS = [
  'test/checks/check-drift.test.ts',
  'test/checks/check-keys.test.ts',
  'test/checks/secret-readiness.test.ts',
  'test/cli/check-drift.test.ts',
  'test/cli/check-keys.test.ts',
  'test/cli/hostile-input.test.ts',
  'test/cli/import.test.ts',
  'test/cli/request.test.ts',
  'test/cli/run.test.ts',
  'test/cli/sealing-key.test.ts',
  'test/cli/secrets-ready.test.ts',
  'test/cli/status-pending.test.ts',
  'test/import/foreign-secret.test.ts',
  'test/import/intake.test.ts',
  'test/model/alert-rules.test.ts',
  'test/requests/follow-up.test.ts',
  'test/requests/open-request.test.ts',
  'test/requests/previous-key-probe.test.ts',
  'test/sealing/sealed-source.test.ts',
  'test/secrets/aws-secrets-manager-store.test.ts',
  'test/without-key-material.test.ts',
];
const TERRAFORM = [
  'test/terraform/**/*.test.ts',
  'test/support/terraform-fixture.test.ts',
  'test/stacks/adopt-imported-secret.test.ts',
  'test/ci/deploy.test.ts',
  'test/ci/promote-pending.test.ts',
  // From due to done: Terraform, and Chromium for the customer's sealing page.
  'test/requests/due-to-done.test.ts',
];
const BROWSER = ['test/sealing/sealing-page.test.ts', 'test/sealing/import-sealed.test.ts'];

interface ProjectOptions {
  readonly exclude?: string[];
  /** Starts the workers' moto servers. */
  readonly moto?: boolean;
  /** Builds the shared Terraform fixture (custody and platform applied once: test/support/terraform-fixture.ts). */
  readonly terraformFixture?: boolean;
  /** Files share their worker's modules: no fork and no module loading per file. */
  readonly shareWorker?: boolean;
}

const project = (name: string, include: string[], options: ProjectOptions = {}) => ({
  extends: true as const,
  test: {
    name,
    include,
    exclude: options.exclude ?? [],
    env: { ASC_KEYS_TEST_PROJECT: name },
    ...(options.shareWorker && { isolate: false }),
    // One moto server per worker, started once for the run (test/support/moto-servers.ts).
    ...(options.moto && {
      globalSetup: [
        'test/support/moto-servers.ts',
        // The shared Terraform fixture (custody and platform applied once), built in the background.
        ...(options.terraformFixture ? ['test/support/terraform-fixture.ts'] : []),
      ],
    }),
  },
});

// Two cores on every machine here, and three forks: the Terraform and moto files spend much of
// their time waiting (KMS, the provider starting, retries), so a third fork fills a core that
// two would leave idle; hooks still get room to start servers and processes.
export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/child-coverage-env.ts'],
    pool: 'forks',
    maxWorkers: 3,
    // The Terraform files first: the longest ones start early rather than last (test/support/sequencer.ts).
    sequence: { sequencer: SlowestProjectsFirst },
    testTimeout: 300_000,
    hookTimeout: 300_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      project('unit', ['test/**/*.test.ts'], {
        exclude: [...AWS, ...TERRAFORM, ...BROWSER],
        shareWorker: true,
      }),
      // Each AWS file resets its worker's moto (startMoto) and undoes its environment stubs, so
      // files can share their worker's modules: the SDK is loaded once per worker, not per file.
      project('aws', AWS, { moto: true, shareWorker: true }),
      project('terraform', TERRAFORM, { moto: true, terraformFixture: true }),
      project('browser', BROWSER, { moto: true }),
    ],
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
      thresholds: { lines: 97, statements: 96, functions: 97, branches: 86 },
    },
  },
});
