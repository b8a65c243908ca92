// Flat config: typescript-eslint's recommended rules, Prettier owns formatting.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', '*.js', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { parserOptions: { project: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The validated config (libs/platform/src/config) is the only reader of the environment; the app entry
    // points hand it over. Tests, benchmarks and scripts set up their own processes.
    files: ['**/*.ts'],
    ignores: [
      'libs/platform/src/config/**',
      'apps/*/src/main.ts',
      'apps/cli/src/*.ts',
      'test/**',
      'bench/**',
      'scripts/**',
      '**/*.spec.ts',
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message:
            'Read settings through the validated config (libs/platform/src/config), the only reader of process.env.',
        },
      ],
    },
  },
  {
    // One UUID v5: name-based ids come from @csp/event-store's uuidV5 (event ids, entity ids).
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/event-store/src/event-id.ts', '**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'uuid', message: 'Use uuidV5 / randomUUID: one implementation of each (event-id.ts).' }] },
      ],
    },
  },
  {
    // Tests, benchmarks and CLIs talk to the terminal on purpose.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'apps/cli/**/*.ts', '**/*.spec.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Node require hooks (node -r): CommonJS on purpose, they run before any compiler.
    files: ['scripts/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
