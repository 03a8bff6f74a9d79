import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Calls that read the wall clock or turn it into a date; tests take time from test/helpers/clock.ts. */
const wallClock = (what) =>
  `${what}: time is an input; use a FakeClock, or wallClock/deadline() from test/helpers/clock.ts`;
const WALL_CLOCK_IN_TESTS = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: wallClock('Date.now()'),
  },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: wallClock('new Date()') },
  {
    selector: "CallExpression[callee.name='Date']",
    message: wallClock('Date() is the wall clock as a string'),
  },
  {
    selector: "Identifier[name='systemClock']:not(ImportSpecifier > Identifier)",
    message: wallClock('systemClock'),
  },
  {
    selector:
      ":matches(NewExpression[callee.name='Date'], CallExpression[callee.object.name='Date'][callee.property.name='UTC'], CallExpression[callee.name='utcDayOf']):has(Identifier[name='wallClock'])",
    message: wallClock('a calendar date from the wall clock'),
  },
  {
    selector:
      "CallExpression[callee.name='expect'] > CallExpression[callee.object.name='wallClock'], CallExpression[callee.name='expect'] > BinaryExpression > CallExpression[callee.object.name='wallClock']",
    message: wallClock('an expectation on the wall clock'),
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'grafana/dashboards/**'] },
  // An `eslint-disable` that no longer suppresses anything fails the lint, so no exception outlives its reason.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      // Rooms with one job; a longer file says why in an eslint-disable comment on its first line.
      'max-lines': ['error', 300],
      // Value-import circles (type-only ones: test/structure/import-graph.test.ts).
      'import-x/no-cycle': 'error',
      // V8 flags are start-up options (src/runtime/node-flags.ts), never switched at run time: the
      // name in any spelling (named, default or namespace import, require, dynamic import, v8['…']).
      'no-restricted-syntax': [
        'error',
        ...["Identifier[name='setFlagsFromString']", "Literal[value='setFlagsFromString']"].map(
          (selector) => ({ selector, message: 'declare the flag in src/runtime/node-flags.ts' }),
        ),
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    ignores: ['test/helpers/clock.ts'],
    rules: { 'no-restricted-syntax': ['error', ...WALL_CLOCK_IN_TESTS] },
  },
);
