// `npm run bench`: benchmarks that print figures and ratios measured in the same run.
// Runs on the embedded database unless DATABASE_URL is set. Loopback traffic only.
// Select some with: npm run bench -- startup areas
import { crosscheckBenchmarks } from './crosscheck.ts';
import { foundationBenchmarks } from './foundation.ts';
import { householdsBenchmarks } from './households-search.ts';
import { registryBenchmarks } from './registry-import.ts';

const all: Record<string, () => Promise<void>> = { ...foundationBenchmarks, ...householdsBenchmarks, ...crosscheckBenchmarks, ...registryBenchmarks };
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
