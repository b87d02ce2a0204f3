// ESLint: the recommended rules of ESLint, typescript-eslint and eslint-plugin-vue, nothing more.
// `npm run lint` (part of `npm test`); formatting is prettier's (`npm run format:check`).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'test/vectors/**',
      'src/main/miner/sha256x4.wasm.ts'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    // TypeScript already checks that every name exists (typescript-eslint's advice).
    files: ['**/*.ts', '**/*.vue'],
    rules: { 'no-undef': 'off' }
  },
  {
    // A test may define small components beside the one it mounts.
    files: ['test/**'],
    rules: { 'vue/one-component-per-file': 'off' }
  },
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } }
  },
  {
    languageOptions: {
      globals: {
        // Node (main, tests, scripts) and the browser (renderer) alike; TypeScript checks which is which.
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        fetch: 'readonly',
        __dirname: 'readonly',
        performance: 'readonly'
      }
    },
    rules: {
      // A variable named _ (or _x) is there to be left out: a rest pattern's dropped keys.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { varsIgnorePattern: '^_', argsIgnorePattern: '^_' }
      ],
      // A timer declared before the closure that clears it, and set once after: const cannot say that.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Vue's layout rules are prettier's business.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off'
    }
  }
)
