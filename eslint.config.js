import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layer map. A folder of lib/ imports only from the layers below its own, never from its
 * own layer's other folders nor from above, so that each layer can be read, tested and changed
 * without the ones that use it:
 *
 *   cli, ci         the commands and the CI scripts: parse options, print, exit
 *   import          intake: proves a key with Apple and stores it
 *   reports         text, JSON, Markdown and JUnit of what the checks found
 *   stacks, checks, sealing
 *                   the desired state as Terraform (the only cdktf user), compared with live
 *                   AWS and Apple, and the sealed hand-over
 *   model           the desired state: every name, policy, tag and resource, as plain data
 *   records         the customer records and the platform configuration, read and validated
 *   secrets         secret references, stores and key material
 *   aws, apple      the outside services: AWS SDK clients, reads and errors; the App Store
 *                   Connect API
 *   lib/*.ts        errors and printable: the base every layer may use
 *
 * Each folder is fenced below with no-restricted-imports; tests are not fenced (a test may set
 * up with any layer). test/eslint.config.test.ts proves that a back-import fails.
 */
export const LAYERS = [
  ['aws', 'apple'],
  ['secrets'],
  ['records'],
  ['model'],
  ['stacks', 'checks', 'sealing'],
  ['reports'],
  ['import'],
  ['cli', 'ci'],
];

const PROVIDER_ROOT = {
  name: '@cdktf/provider-aws',
  message:
    'Import provider classes by deep path (@cdktf/provider-aws/lib/<resource>/index.js): the package root costs seconds and 600 MB.',
};

// cdktf stays inside lib/stacks, so that a move to its fork touches one folder.
const CDKTF = {
  group: ['cdktf', 'cdktf/*', '@cdktf/*', 'constructs'],
  message: 'Only lib/stacks imports cdktf.',
};
const CDKTF_ALLOWED = ['lib/stacks/**', 'test/stacks/**', 'test/bench/**', 'test/support/cdktf-matchers.ts'];

/** The folders a file in `folder` may not import: its own layer's others and every layer above. */
function forbiddenFor(folder) {
  const level = LAYERS.findIndex((layer) => layer.includes(folder));
  return LAYERS.flatMap((layer, i) => (i < level ? [] : layer)).filter((f) => f !== folder);
}

/**
 * A relative import that reaches one of `folders` of lib/: from lib/*.ts with "./", from a
 * folder (or lib/cli/commands) with "../" (or "../../").
 */
function reaching(folders, fromBase = false) {
  return {
    regex: `^${fromBase ? '\\./' : '(\\.\\./)+'}(${folders.join('|')})(/|$)`,
    message: `Layers point down only (see the layer map in eslint.config.js): this import runs back up to lib/{${folders.join(',')}}.`,
  };
}

function restrictions(patterns, cdktfAllowed) {
  return ['error', { paths: [PROVIDER_ROOT], patterns: [...(cdktfAllowed ? [] : [CDKTF]), ...patterns] }];
}

const everyFolder = LAYERS.flat();

export default tseslint.config(
  { ignores: ['dist/', 'cdktf.out/', 'node_modules/', 'bench-out/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': restrictions([], false),
    },
  },
  { files: CDKTF_ALLOWED, rules: { 'no-restricted-imports': restrictions([], true) } },
  // The base imports no folder of lib/.
  {
    files: ['lib/*.ts'],
    rules: { 'no-restricted-imports': restrictions([reaching(everyFolder, true)], false) },
  },
  ...everyFolder.map((folder) => ({
    files: [`lib/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': restrictions([reaching(forbiddenFor(folder))], folder === 'stacks'),
    },
  })),
);
