// `npm run bench`: benchmarks that print figures and ratios measured in the same run.
// Runs on the embedded database unless DATABASE_URL is set. Loopback traffic only.
// Select some with: npm run bench -- startup areas
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyFile, readPrivateKey, useAuditKey } from '../modules/audit/signing.ts';
import { crosscheckBenchmarks } from './crosscheck.ts';
import { foundationBenchmarks } from './foundation.ts';
import { fundsBenchmarks } from './funds.ts';
import { householdsBenchmarks } from './households-search.ts';
import { mapFiguresBenchmarks } from './map-figures.ts';
import { projectsQueueBenchmarks } from './projects-queue.ts';
import { publicBenchmarks } from './public.ts';
import { registryBenchmarks } from './registry-import.ts';
import { mapRenderBenchmarks } from './map-render.ts';
import { statsBenchmarks } from './stats.ts';
import { tilesBenchmarks } from './tiles.ts';
import { smsBenchmarks } from './sms.ts';
import { workbenchBenchmarks } from './workbench.ts';

// Benchmarks write audited data as the server does, so they sign with an audit key: the one named
// by DRIPLINE_AUDIT_KEY_FILE, or one of their own for the run (the CLI processes they start inherit it).
if (!process.env.DRIPLINE_AUDIT_KEY_FILE) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dripline-bench-key-'));
  process.env.DRIPLINE_AUDIT_KEY_FILE = path.join(dir, 'audit-key.pem');
  generateKeyFile(process.env.DRIPLINE_AUDIT_KEY_FILE);
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
}
useAuditKey(readPrivateKey(process.env.DRIPLINE_AUDIT_KEY_FILE));

const all: Record<string, () => Promise<void>> = {
  ...foundationBenchmarks,
  ...householdsBenchmarks,
  ...crosscheckBenchmarks,
  ...registryBenchmarks,
  ...fundsBenchmarks,
  ...projectsQueueBenchmarks,
  ...publicBenchmarks,
  ...tilesBenchmarks,
  ...statsBenchmarks,
  ...mapRenderBenchmarks,
  ...smsBenchmarks,
  ...mapFiguresBenchmarks,
  ...workbenchBenchmarks,
};
const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : Object.keys(all);
for (const name of names) {
  const fn = all[name];
  if (!fn) {
    console.error(`Unknown benchmark "${name}". Known: ${Object.keys(all).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== ${name} ==`);
  await fn();
}
process.exit(0);
