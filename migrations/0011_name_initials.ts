// Pinyin initials for search ("zs" finds 张三): on members (any member's name finds the household)
// and on households (the head's name). Filled by the application on every write
// (api/shared/pinyin.ts); this migration backfills rows that already exist.
import { type Kysely, sql } from 'kysely';
import { nameInitials } from '../api/shared/pinyin.ts';

async function backfill(db: Kysely<unknown>, table: 'members' | 'households', nameColumn: 'name' | 'head_name', target: string) {
  for (;;) {
    const rows = await sql<{ id: string; name: string }>`
      select id, ${sql.ref(nameColumn)} as name from ${sql.table(table)} where ${sql.ref(target)} is null limit 5000`.execute(db);
    if (!rows.rows.length) return;
    const values = rows.rows.map((r) => sql`(${r.id}::uuid, ${nameInitials(r.name)})`);
    await sql`
      update ${sql.table(table)} t set ${sql.ref(target)} = v.initials
      from (values ${sql.join(values)}) as v (id, initials) where t.id = v.id`.execute(db);
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table members add column name_initials text`.execute(db);
  await sql`alter table households add column head_initials text`.execute(db);
  await backfill(db, 'members', 'name', 'name_initials');
  await backfill(db, 'households', 'head_name', 'head_initials');
  await sql`create index members_initials_idx on members (county_code, name_initials text_pattern_ops)`.execute(db);
  await sql`create index households_initials_idx on households (county_code, head_initials text_pattern_ops)`.execute(db);
}
