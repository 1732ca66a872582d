import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = builtinModules.filter((m) => !m.startsWith('_'));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'bench/results/', '.temporal/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox and is replayed from history:
    // it may import the workflow contract and @temporalio/workflow, nothing that does I/O
    // or reads the clock, randomness or the environment.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', ...NODE_BUILTINS, ...NODE_BUILTINS.map((m) => `${m}/*`)],
              message: 'Node APIs are not available in the workflow sandbox: do it in an activity.',
            },
            {
              group: ['@temporalio/*', '!@temporalio/workflow', '!@temporalio/common'],
              message: 'Workflow code imports only @temporalio/workflow (and @temporalio/common).',
            },
            {
              group: ['../*', '!../workflow-contract'],
              message: 'Workflow code imports only ../workflow-contract; rules it needs belong there.',
            },
            {
              group: ['express', 'pino', 'prom-client', 'sql.js', 'zod', 'uuid'],
              message: 'Not deterministic or not needed in a workflow: do it in an activity.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
