// Lint rules the house style relies on; formatting is Prettier's (`npm run format:check`).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', 'samples/', '.bench-data/', 'bench/results/', 'test/fixtures/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test()/describe() return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The engine is shared by the extension, the CLI, the workers and the tests: no VS Code, no webview protocol.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/core is the engine: no VS Code in here.' }],
          patterns: [
            { group: ['**/shared/**', '**/extension/**', '**/webview/**'], message: 'src/core imports no host code.' },
          ],
        },
      ],
    },
  },
  {
    // The webview bundle draws: it imports the protocol (src/shared) and the engine's number formats, nothing host-side.
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '/src/(extension|cli)(/|$)|/src/core(/(?!report/format$)|$)',
              message: 'webview/ runs in the browser: import src/shared or src/core/report/format only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Commands are registered only through the table in commands.ts, keyed by src/extension/ids.ts (test/extension/ids.test.ts).
    files: ['src/**/*.ts'],
    ignores: ['src/extension/commands.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='registerCommand']",
          message: 'Add the command to COMMANDS in src/extension/ids.ts and its handler to the table in commands.ts.',
        },
      ],
    },
  },
  {
    // AssemblyScript (wasm/): its integer types (i32, u8, usize) are all `number` to TypeScript, so a cast
    // such as `<usize>x` looks redundant to the type checker while it is a conversion in the compiled code.
    files: ['wasm/**/*.ts'],
    rules: { '@typescript-eslint/no-unnecessary-type-assertion': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
);
