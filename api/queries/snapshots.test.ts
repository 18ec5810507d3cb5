// The SQL snapshots (docs/decisions/0019) are current: every query function of every module has a
// case, and the SQL its cases compile to (no database: Kysely's DummyDriver) is the SQL committed
// under api/queries/. A change to a query changes its snapshot, so it shows up in review as SQL;
// `npm run sql` rewrites the files. The test never writes them itself, in CI or locally: a test
// that rewrote what it checks would let an unseen change through.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { capturingDb, exportedFunctions, renderModule } from './capture.ts';
import { lineDiff } from './diff.ts';
import { SPECS } from './specs.ts';

const dir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(dir, '../..');
const FIX = 'Run `npm run sql` to rewrite api/queries/ and commit the SQL with the change that made it.';

describe('SQL snapshots', () => {
  it('every module with a queries.ts has a spec, and every function it exports an entry', () => {
    const modules = fs.readdirSync(path.join(root, 'api/modules')).filter((m) => fs.existsSync(path.join(root, 'api/modules', m, 'queries.ts')));
    expect(modules.length).toBeGreaterThan(5);
    const specced = SPECS.map((s) => s.file);
    const missingSpecs = modules.map((m) => `api/modules/${m}/queries.ts`).filter((f) => !specced.includes(f));
    expect(missingSpecs, 'queries files without a queries.sql-spec.ts listed in api/queries/specs.ts').toEqual([]);
    for (const spec of SPECS) {
      const exported = exportedFunctions(spec.exports);
      const missing = exported.filter((f) => !(f in spec.entries));
      const stale = Object.keys(spec.entries).filter((f) => !exported.includes(f));
      expect(missing, `${spec.file}: exported functions without an entry in its queries.sql-spec.ts`).toEqual([]);
      expect(stale, `${spec.file}: entries in its queries.sql-spec.ts for functions it does not export`).toEqual([]);
    }
  });

  it('every case compiles at least one statement', async () => {
    const cap = capturingDb();
    const empty: string[] = [];
    for (const spec of SPECS) {
      const sections = [...Object.entries(spec.entries), ...Object.entries(spec.extra)];
      for (const [name, entry] of sections) {
        if ('notSql' in entry) continue;
        for (const c of entry) if (!(await cap.run(c)).statements.length) empty.push(`${spec.module}: ${name}${c.label ? ` (${c.label})` : ''}`);
      }
    }
    await cap.db.destroy();
    expect(empty).toEqual([]);
  });

  for (const spec of SPECS) {
    it(`api/queries/${spec.module}.sql is the SQL the module compiles to`, async () => {
      const file = path.join(dir, `${spec.module}.sql`);
      const generated = await renderModule(spec);
      if (!fs.existsSync(file)) throw new Error(`api/queries/${spec.module}.sql is missing. ${FIX}`);
      const committed = fs.readFileSync(file, 'utf8');
      if (committed !== generated) {
        throw new Error(`api/queries/${spec.module}.sql differs from the SQL ${spec.file} compiles to now. ${FIX}\n\n${lineDiff(committed, generated)}`);
      }
    });
  }

  it('api/queries/ holds no snapshot of a module without a spec', () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql'));
    expect(
      files.filter((f) => !SPECS.some((s) => `${s.module}.sql` === f)),
      FIX,
    ).toEqual([]);
  });
});
