import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'cdktf.out/', 'node_modules/', 'bench-out/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@cdktf/provider-aws',
              message:
                'Import provider classes by deep path (@cdktf/provider-aws/lib/<resource>/index.js): the package root costs seconds and 600 MB.',
            },
          ],
        },
      ],
    },
  },
  {
    // cdktf stays inside lib/stacks, so that a move to its fork touches one folder.
    files: ['**/*.ts'],
    ignores: ['lib/stacks/**', 'test/stacks/**', 'test/bench/**', 'test/support/cdktf-matchers.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['cdktf', 'cdktf/*', '@cdktf/*', 'constructs'],
              message: 'Only lib/stacks imports cdktf.',
            },
          ],
        },
      ],
    },
  },
);
