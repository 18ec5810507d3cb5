// `npm run sql`: rewrites api/queries/<module>.sql from the modules' specs (and removes files of
// modules that have none any more). Commit the result with the query change it shows.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderModule } from './capture.ts';
import { SPECS } from './specs.ts';

const dir = path.dirname(fileURLToPath(import.meta.url));
const written = new Set<string>();
for (const spec of SPECS) {
  const file = `${spec.module}.sql`;
  const text = await renderModule(spec);
  const target = path.join(dir, file);
  const before = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
  if (before !== text) {
    fs.writeFileSync(target, text);
    console.log(`${before === undefined ? 'wrote' : 'updated'} api/queries/${file}`);
  }
  written.add(file);
}
for (const f of fs.readdirSync(dir)) {
  if (f.endsWith('.sql') && !written.has(f)) {
    fs.rmSync(path.join(dir, f));
    console.log(`removed api/queries/${f}`);
  }
}
console.log(`${SPECS.length} modules, api/queries/ up to date`);
