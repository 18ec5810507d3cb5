// Household clusters at low zoom read counts kept per grid cell instead of every household point
// (issue 16: tile p95 ≤ 30 ms for 200k households in a county; counting the points of a whole
// county took 100 – 200 ms a tile). household_tile_cells holds, for each village and each cell of
// the cluster grid at levels 13 – 18 (a cell at level L is 360° / 2^L wide in longitude and in
// latitude, anchored at −180° / −90°; zoom z clusters on level z + 5, 1/32 of its tile), how many
// households of the registry (在册, 待识别, not deleted, with a point) lie in it, how many of them
// are 监测户 and 未脱贫户, and the sums of their coordinates (the cluster's mean position).
//
// Statement-level triggers keep it: one set-based upsert per statement from the statement's
// transition tables (a registry import of 100k rows adds its cells in one statement), so the cells
// always equal the households they count (tiles.test.ts recomputes them) on both databases.
import { type Kysely, sql } from 'kysely';

export const TILE_CELL_MIN_LEVEL = 13;
export const TILE_CELL_MAX_LEVEL = 18;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table household_tile_cells (
      level smallint not null,
      village_code text collate "C" not null,
      county_code text collate "C" not null,
      cx integer not null,
      cy integer not null,
      households integer not null,
      monitoring integer not null,
      poor integer not null,
      sum_x double precision not null,
      sum_y double precision not null,
      primary key (level, village_code, cx, cy)
    )`.execute(db);
  await sql`create index household_tile_cells_cell_idx on household_tile_cells (level, cx, cy)`.execute(db);

  // The contribution of a set of household rows (a transition table, or the table itself), signed,
  // per cell of the finest level. Counted: in the registry (在册, 待识别), not deleted, with a point
  // — as the households layer.
  const FINE = 2 ** TILE_CELL_MAX_LEVEL;
  const contribution = (rows: string, sign: number) => `
    select h.village_code, h.county_code,
      floor((ST_X(h.location) + 180) * ${FINE} / 360)::int as cx, floor((ST_Y(h.location) + 90) * ${FINE} / 360)::int as cy,
      ${sign} as households,
      case when h.status = '监测户' then ${sign} else 0 end as monitoring,
      case when h.status = '未脱贫户' then ${sign} else 0 end as poor,
      ${sign} * ST_X(h.location) as x, ${sign} * ST_Y(h.location) as y
    from ${rows} h
    where h.deleted_at is null and h.registry_state in ('在册', '待识别') and h.location is not null`;
  // Summed per finest cell first (one pass over the rows), then per cell of every level.
  const apply = (delta: string) => `
    with f as (
      select village_code, min(county_code) as county_code, cx, cy, sum(households) as households, sum(monitoring) as monitoring,
        sum(poor) as poor, sum(x) as x, sum(y) as y
      from (${delta}) c group by village_code, cx, cy
    ), d as (
      select l.level, f.village_code, min(f.county_code) as county_code, f.cx >> (${TILE_CELL_MAX_LEVEL} - l.level) as cx,
        f.cy >> (${TILE_CELL_MAX_LEVEL} - l.level) as cy, sum(f.households)::int as households, sum(f.monitoring)::int as monitoring,
        sum(f.poor)::int as poor, sum(f.x) as sum_x, sum(f.y) as sum_y
      from f cross join generate_series(${TILE_CELL_MIN_LEVEL}, ${TILE_CELL_MAX_LEVEL}) as l(level)
      group by 1, 2, 4, 5
      having sum(f.households) <> 0 or sum(f.monitoring) <> 0 or sum(f.poor) <> 0 or sum(f.x) <> 0 or sum(f.y) <> 0
    )
    insert into household_tile_cells as t (level, village_code, county_code, cx, cy, households, monitoring, poor, sum_x, sum_y)
    select * from d order by level, village_code, cx, cy
    on conflict (level, village_code, cx, cy) do update set
      households = t.households + excluded.households, monitoring = t.monitoring + excluded.monitoring,
      poor = t.poor + excluded.poor, sum_x = t.sum_x + excluded.sum_x, sum_y = t.sum_y + excluded.sum_y`;
  // Cells the statement emptied go: the cells its old rows were counted in, by primary key.
  const prune = (rows: string) => `
    delete from household_tile_cells t using (
      select distinct l.level, h.village_code,
        floor((ST_X(h.location) + 180) * (2 ^ l.level) / 360)::int as cx, floor((ST_Y(h.location) + 90) * (2 ^ l.level) / 360)::int as cy
      from ${rows} h cross join generate_series(${TILE_CELL_MIN_LEVEL}, ${TILE_CELL_MAX_LEVEL}) as l(level) where h.location is not null
    ) k
    where t.level = k.level and t.village_code = k.village_code and t.cx = k.cx and t.cy = k.cy and t.households <= 0`;
  // An update counts only the rows whose counted columns changed (a card edit moves no cell).
  const changed = (side: 'n' | 'o') => `(
    select ${side}.* from new_rows n join old_rows o on o.id = n.id
    where (n.location, n.status, n.registry_state, n.deleted_at, n.village_code) is distinct from (o.location, o.status, o.registry_state, o.deleted_at, o.village_code))`;

  await sql
    .raw(
      `create function dripline_household_tile_cells() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        ${apply(contribution('new_rows', 1))};
      elsif tg_op = 'DELETE' then
        ${apply(contribution('old_rows', -1))};
        ${prune('old_rows')};
      elsif tg_op = 'UPDATE' then
        ${apply(`${contribution(changed('n'), 1)} union all ${contribution(changed('o'), -1)}`)};
        ${prune(changed('o'))};
      else
        delete from household_tile_cells;
      end if;
      return null;
    end $$`,
    )
    .execute(db);
  // A trigger with transition tables serves one event (PostgreSQL's rule): one trigger each.
  await sql`create trigger households_tile_cells_insert after insert on households referencing new table as new_rows
    for each statement execute function dripline_household_tile_cells()`.execute(db);
  await sql`create trigger households_tile_cells_update after update on households referencing old table as old_rows new table as new_rows
    for each statement execute function dripline_household_tile_cells()`.execute(db);
  await sql`create trigger households_tile_cells_delete after delete on households referencing old table as old_rows
    for each statement execute function dripline_household_tile_cells()`.execute(db);
  await sql`create trigger households_tile_cells_truncate after truncate on households
    for each statement execute function dripline_household_tile_cells()`.execute(db);

  await sql.raw(apply(contribution('households', 1))).execute(db);
}
