// ESLint (flat config): typescript-eslint's type-aware rules over api/, gis/, seeds/, migrations/
// and web/ (eslint-plugin-vue for .vue files), formatting left to Prettier (eslint-config-prettier).
// `npm run lint` fails on any warning (--max-warnings 0). Why these tools: docs/decisions/0022.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** `as never` and `as unknown as` silence the type checker; outside tests they hide real errors. */
const unsafeCasts = [
  {
    selector: 'TSAsExpression > TSNeverKeyword.typeAnnotation',
    message: '`as never` hides a type error: type the value, or narrow it.',
  },
  {
    selector: 'TSAsExpression[typeAnnotation.type!="TSUnknownKeyword"] > TSAsExpression.expression > TSUnknownKeyword.typeAnnotation',
    message: '`as unknown as T` hides a type error: parse the value (zod), or type it at its source.',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'web/dist/', 'data/', '.vitest-tmp/', 'coverage/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...vue.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-syntax': ['error', ...unsafeCasts],
      // Kysely, zod and the JSON columns hand `any` through typed APIs; these flag the library, not us.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    rules: {
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    // Tests build malformed input on purpose and poke at internals.
    files: ['**/*.test.ts', 'api/test/**', 'web/e2e/**', 'api/bench/**'],
    rules: {
      'no-restricted-syntax': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Single-file components are type-checked by vue-tsc (npm run typecheck), not by type-aware lint
    // rules: the project service rebuilds the web's program for every .vue file it opens (about 7 s
    // each, 9 of the 10 minutes `npm run lint` took). Their <script> still gets every syntactic rule.
    // Logic that deserves no-floating-promises lives in .ts files (stores, api, composables).
    files: ['**/*.vue'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { parserOptions: { parser: tseslint.parser, projectService: false, project: null } },
  },
  prettier,
);
