import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noRuntimeVscode = {
  'no-restricted-imports': ['error', {
    paths: [{ name: 'vscode', message: 'src/core and src/backends stay editor-free: use `import type` or move the code to src/editor.', allowTypeImports: true }],
  }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', '.vscode-test/**', 'esbuild.mjs', 'scripts/**', 'test/host/**/*.mjs', 'sample-workspace/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      curly: ['error', 'multi-line'],
    },
  },
  { files: ['src/core/**/*.ts', 'src/backends/**/*.ts', 'src/syntax/**/*.ts', 'src/storage/**/*.ts', 'src/checks/**/*.ts'], rules: noRuntimeVscode },
);
