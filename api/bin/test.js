#!/usr/bin/env node
// `npm test`: makes sure a browser for the e2e tests is there (Debian's chromium — browser
// builds are never downloaded), then runs the whole suite with vitest. Uses the embedded
// database unless DATABASE_URL points at PostgreSQL+PostGIS. Extra arguments go to vitest.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function findChromium() {
  for (const p of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && fs.existsSync(p)) return p;
  }
  return undefined;
}

let chromium = findChromium();
if (!chromium && fs.existsSync('/etc/debian_version')) {
  const asRoot = process.getuid?.() === 0;
  const apt = (args) =>
    execFileSync(asRoot ? 'apt-get' : 'sudo', asRoot ? args : ['apt-get', ...args], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  console.log("Installing Debian's chromium for the browser tests…");
  try {
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', 'chromium']);
  } catch {
    // reported below
  }
  chromium = findChromium();
}
if (!chromium) {
  console.error("The browser tests need Chromium: install your distribution's package (Debian: apt-get install chromium) or set CHROMIUM_PATH.");
  process.exit(1);
}

const backend = process.env.DATABASE_URL
  ? `PostgreSQL (${new URL(process.env.DATABASE_URL).host}${new URL(process.env.DATABASE_URL).pathname})`
  : 'embedded PGlite';
console.log(`Running the test suite on ${backend}, browser ${chromium}`);
const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CHROMIUM_PATH: chromium },
});
process.exit(r.status ?? 1);
