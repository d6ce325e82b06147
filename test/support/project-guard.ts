/**
 * The vitest project a test file runs in (vitest.config.ts sets ASC_KEYS_TEST_PROJECT), and a
 * check that a file starting moto, Terraform or Chromium is in a project that may: `npm run
 * test:unit` promises none of them, and a misplaced file fails here saying where it belongs.
 * Outside vitest (the benchmarks) nothing is checked.
 */
export function assertProject(what: string, allowed: readonly string[]): void {
  const project = process.env.ASC_KEYS_TEST_PROJECT;
  if (project === undefined || allowed.includes(project)) return;
  throw new Error(
    `this test starts ${what}, which the "${project}" project never does; list the file under ${allowed.map((p) => `"${p}"`).join(' or ')} in vitest.config.ts`,
  );
}
