#!/usr/bin/env node
// `npm ci` / `npm install` (the `prepare` script): installs the git pre-commit hook with
// simple-git-hooks when this is a git checkout; a tarball or CI without .git installs nothing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

if (process.env.CI || !fs.existsSync('.git')) process.exit(0);
const r = spawnSync(process.execPath, ['node_modules/simple-git-hooks/cli.js'], { stdio: 'inherit' });
process.exit(r.status ?? 0);
