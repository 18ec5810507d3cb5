// Administrative areas keyed by official codes: 2-digit province, 4-digit prefecture,
// 6-digit county, 9-digit township, 12-digit village (统计用区划代码), 15-digit 村民小组.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table areas (
      code text primary key check (code ~ '^[0-9]+$' and length(code) in (2, 4, 6, 9, 12, 15)),
      parent_code text references areas (code),
      level text not null check (level in ('province', 'prefecture', 'county', 'township', 'village', 'group')),
      name text not null,
      county_code text check (county_code is null or length(county_code) = 6),
      geom geometry(MultiPolygon, 4326),
      label_point geometry(Point, 4326),
      boundary_source text,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index areas_parent_idx on areas (parent_code)`.execute(db);
  await sql`create index areas_code_prefix_idx on areas (code text_pattern_ops)`.execute(db);
  await sql`create index areas_geom_idx on areas using gist (geom)`.execute(db);
}
