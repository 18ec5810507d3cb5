#!/usr/bin/env node
// The pre-commit hook (installed by `npm ci` / `npm install` through simple-git-hooks, see
// package.json): the staged files must be formatted (Prettier) and lint-clean (ESLint, type-aware,
// no warnings). Only the staged files are checked, so a commit stays quick; CI checks everything.
// Skip once with `git commit --no-verify` (CI still fails on what you skipped).
import { execFileSync, spawnSync } from 'node:child_process';

let staged;
try {
  staged = execFileSync('git', ['diff', '--cached', '--name-only', '--diff-filter=ACMR', '-z'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\0')
    .filter(Boolean);
} catch {
  // Not in a git checkout (or no git): nothing is staged, nothing to check.
  process.exit(0);
}
if (staged.length === 0) process.exit(0);

const run = (cmd, args) => spawnSync(process.execPath, [cmd, ...args], { stdio: 'inherit' }).status === 0;

const prettierOk = run('node_modules/prettier/bin/prettier.cjs', ['--check', '--ignore-unknown', ...staged]);
const lintable = staged.filter((f) => /\.(ts|vue|js)$/.test(f));
const eslintOk = lintable.length === 0 || run('node_modules/eslint/bin/eslint.js', ['--max-warnings', '0', '--no-warn-ignored', ...lintable]);
if (!prettierOk || !eslintOk) {
  console.error('\npre-commit: fix the above (npm run format; npm run lint) and commit again.');
  process.exit(1);
}
