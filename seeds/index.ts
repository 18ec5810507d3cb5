// The demo seed: real areas of 黔西南州, one account per role, and generated registry households
// for 晴隆县 (522324) — deterministic from a seed — then the story around them: demo projects with
// their ledger (seeds/projects.ts), the departments' datasets and a cross-check run
// (seeds/demo-departments.ts), and case work — income years, procedures in every stage, visits,
// measures, photos (seeds/demo-casework.ts). Used by `npm start` on an empty database, by
// `dripline seed`, by the test template (households only) and by benchmarks (--households 100000).
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { systemCtx } from '../api/context.ts';
import type { BulkRunner } from '../api/db/bulk.ts';
import type { Database } from '../api/db/schema.ts';
import { recordAudit, SYSTEM_ACTOR } from '../api/modules/audit/audit.ts';
import { createAccount } from '../api/modules/auth/auth.ts';
import { insertRegistryRows } from '../api/modules/households/registry.ts';
import { seedCountyYearSettings } from '../api/modules/procedures/county-settings.ts';
import { seedAreas } from './areas.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-accounts.ts';
import { importRegistry } from '../api/modules/registry/import.ts';
import { seedDemoCasework } from './demo-casework.ts';
import { seedDemoDepartments } from './demo-departments.ts';
import { hasProjects, seedDemoProjects } from './projects.ts';
import { generateRegistryRows, writeRegistryCsv } from './registry-generator.ts';

export const DEMO_COUNTY = '522324';
/** The villages of the demo accounts (村干部, 村监委会): each has households enough to work on. */
const DEMO_VILLAGES = new Set(DEMO_ACCOUNTS.filter((a) => a.areaCode.length === 12).map((a) => a.areaCode));
/** Drawn weights are 0.4–3.4 (about 1.4 on average): a demo village draws about four times the average. */
const DEMO_VILLAGE_WEIGHT = 6;

export interface SeedOptions {
  households?: number;
  seed?: number;
  /** Skip the generated households (areas and accounts only). */
  withoutHouseholds?: boolean;
  /** Demo projects with their chain and ledger (seeds/projects.ts); default: with the households. */
  projects?: boolean;
  /**
   * The story of the demo accounts (default: with the households): their villages draw several
   * times the average number of households, the departments' datasets are imported and
   * cross-checked (needs the bulk runner), and case work is recorded. The test template leaves
   * it out: tests make their own.
   */
  story?: boolean;
  log?: (line: string) => void;
}

export async function isEmpty(db: Kysely<Database>): Promise<boolean> {
  const r = await sql<{ n: number }>`select (select count(*) from accounts) + (select count(*) from households) as n`.execute(db);
  return Number(r.rows[0]?.n ?? 0) === 0;
}

/**
 * Seeds the demo data. Given a database handle with its bulk runner (DbHandle), the generated
 * registry goes through the registry importer, as an office's file would; given only a Kysely
 * instance, it falls back to the plain inserter.
 */
export async function seedDemo(target: Kysely<Database> | { db: Kysely<Database>; bulk: BulkRunner }, opts: SeedOptions = {}) {
  const db = 'bulk' in target ? target.db : target;
  const bulk = 'bulk' in target ? target.bulk : undefined;
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const story = opts.story ?? !opts.withoutHouseholds;
  const areas = await seedAreas(db, { prefecture: '5223' });
  log(`areas: ${areas.counties} counties, ${areas.townships} townships, ${areas.villages} villages`);
  log(`county settings: ${await seedCountyYearSettings(db, '5223')} county-years`);
  let accounts = 0;
  for (const a of DEMO_ACCOUNTS) {
    const exists = await db.selectFrom('accounts').select('id').where('username', '=', a.username).executeTakeFirst();
    if (exists) continue;
    await createAccount(systemCtx(db, { origin: { via: 'seed' } }), {
      username: a.username,
      displayName: a.displayName,
      role: a.role,
      areaCode: a.areaCode,
      password: DEMO_PASSWORD,
    });
    accounts++;
  }
  log(`accounts: ${accounts} created`);
  let households = 0;
  let members = 0;
  const already = await db
    .selectFrom('households')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('county_code', '=', DEMO_COUNTY)
    .executeTakeFirstOrThrow();
  if (!opts.withoutHouseholds && Number(already.n) === 0) {
    const villages = await db
      .selectFrom('areas')
      .select(['code', 'name', sql<number>`st_x(label_point)`.as('lon'), sql<number>`st_y(label_point)`.as('lat')])
      .where('level', '=', 'village')
      .where('county_code', '=', DEMO_COUNTY)
      .orderBy('code')
      .execute();
    const generate = {
      households: opts.households ?? 2000,
      seed: opts.seed ?? 20261123,
      countyCode: DEMO_COUNTY,
      villages: villages.map((v) => ({
        code: v.code,
        name: v.name,
        lon: Number(v.lon),
        lat: Number(v.lat),
        ...(story && DEMO_VILLAGES.has(v.code) ? { weight: DEMO_VILLAGE_WEIGHT } : {}),
      })),
    };
    if (bulk) {
      // Generated rows → a registry file → the importer (validation, merge, audit per card).
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dripline-seed-'));
      try {
        const file = path.join(dir, 'registry.csv');
        const out = fs.createWriteStream(file);
        await writeRegistryCsv(generate, out);
        out.end();
        await once(out, 'close');
        const r = await importRegistry(systemCtx(db, { actor: SYSTEM_ACTOR, origin: { via: 'seed' } }), bulk, {
          filePath: file,
          fileName: `seed-${generate.seed}.csv`,
        });
        if (!r.ok) {
          const first = r.errors.find((e) => e.severity === 'error');
          throw new Error(
            `the generated registry was rejected: ${r.errorCount} error(s), first ${first ? `row ${first.rowNo} ${first.column} ${first.key}` : ''}`,
          );
        }
        households = r.counts.householdsCreated;
        members = r.counts.membersCreated;
        await recordAudit(db, {
          actor: SYSTEM_ACTOR,
          action: 'seed.households',
          entity: 'county',
          entityId: DEMO_COUNTY,
          areaCode: DEMO_COUNTY,
          note: { households, members, seed: generate.seed, importId: r.jobId },
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    } else {
      const rows = generateRegistryRows(generate);
      await db.transaction().execute(async (trx) => {
        const r = await insertRegistryRows(trx, rows as Iterable<Record<string, string>>);
        households = r.households;
        members = r.members;
        await recordAudit(trx, {
          actor: SYSTEM_ACTOR,
          action: 'seed.households',
          entity: 'county',
          entityId: DEMO_COUNTY,
          areaCode: DEMO_COUNTY,
          note: { households, members, seed: generate.seed },
        });
      });
    }
    log(`households: ${households} with ${members} members`);
  }
  if ((opts.projects ?? !opts.withoutHouseholds) && !(await hasProjects(db, DEMO_COUNTY))) {
    const p = await seedDemoProjects(db);
    log(`projects: ${p.projects} with ${p.entries} ledger entries`);
  }
  if (story && !opts.withoutHouseholds) {
    // Each part adds nothing when the county has its data already (it checks, and says so).
    if (bulk) await seedDemoDepartments({ db, bulk }, { countyCode: DEMO_COUNTY, log });
    else log('department datasets: left out (no bulk runner)');
    const c = await seedDemoCasework(db, { countyCode: DEMO_COUNTY });
    if (c.procedures + c.visits > 0)
      log(`case work: ${c.procedures} procedures, ${c.visits} visits, ${c.measures} measures, ${c.photos} photos, ${c.incomeYears} income years`);
  }

  log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { ...areas, accounts, households, members };
}
