import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const API_ONLY =
  "Call the API from the feature's api.ts (queryOptions with keys from its key factory), never from a component or hook."

export default tseslint.config(
  { ignores: ['node_modules', 'src/api/schema.d.ts'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.strictTypeChecked],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // This build does not use the React Compiler, so libraries it cannot memoize are fine.
      'react-hooks/incompatible-library': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Requests go through a feature's api.ts, where their query keys and refresh settings live.
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'openapi-fetch', message: API_ONLY }],
          patterns: [{ regex: '(^|/)api/client(\\.ts)?$', message: API_ONLY }],
        },
      ],
      'no-restricted-globals': ['error', { name: 'fetch', message: API_ONLY }, { name: 'XMLHttpRequest', message: API_ONLY }],
      'no-restricted-properties': [
        'error',
        { object: 'window', property: 'fetch', message: API_ONLY },
        { object: 'globalThis', property: 'fetch', message: API_ONLY },
      ],
    },
  },
  {
    files: ['**/api.ts', 'src/api/**'],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-globals': 'off', 'no-restricted-properties': 'off' },
  },
  {
    files: ['eslint.config.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
)
