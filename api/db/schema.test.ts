// The hand-written Kysely `Database` interface (api/db/schema.ts) is the migrated database: every
// table and column of the interface exists with a compatible type and the same nullability, every
// table and column of the database (but the migrations' own bookkeeping and PostGIS's catalogue)
// is in the interface, and a column an INSERT may leave out has a default. Read with TypeScript's
// compiler API (api/test/schema-shape.ts) on one side, information_schema on the other; both backends.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { getOwnerDb } from '../test/db.ts';
import { type Kind, readSchemaShape, type SchemaShape } from '../test/schema-shape.ts';

/** Tables that are not the application's data: Kysely's migration bookkeeping, PostGIS's catalogue. */
const NOT_APPLICATION = new Set(['kysely_migration', 'kysely_migration_lock', 'spatial_ref_sys']);

/**
 * Columns an INSERT may leave out although they have no default and are not null: a trigger
 * fills them (migration 0019: a member's 户编号 from its household; 0014: whether a member is a
 * registry duplicate).
 */
const FILLED_BY_TRIGGER = new Set(['members.household_no', 'members.registry_duplicate']);

/**
 * Generated-always columns the database reports nullable that are computed from not-null columns
 * only (migration 0006: sums of incomes that default to 0, divided by a household size of 1–30),
 * so never null.
 */
const GENERATED_FROM_NOT_NULL = new Set(['household_years.transfer_income', 'household_years.per_capita_income']);

/** What a PostgreSQL type arrives as on both backends (api/db/connect.ts normalises int8 and date). */
const COMPATIBLE: Record<string, readonly Kind[]> = {
  text: ['string'],
  varchar: ['string'],
  bpchar: ['string'],
  uuid: ['string'],
  date: ['string'],
  inet: ['string'],
  int2: ['number'],
  int4: ['number'],
  int8: ['number'],
  float4: ['number'],
  float8: ['number'],
  numeric: ['string'],
  bool: ['boolean'],
  timestamptz: ['Date'],
  timestamp: ['Date'],
  bytea: ['bytes'],
  _text: ['string[]'],
  _uuid: ['string[]'],
  geometry: ['unknown'],
  // JSON: whatever the column holds.
  jsonb: ['object', 'unknown', 'string', 'number', 'boolean', 'string[]', 'unknown[]', 'object[]'],
  json: ['object', 'unknown', 'string', 'number', 'boolean', 'string[]', 'unknown[]', 'object[]'],
};

interface DbColumn {
  table_name: string;
  column_name: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  column_default: string | null;
  is_identity: 'YES' | 'NO';
  is_generated: 'ALWAYS' | 'NEVER';
}

describe('api/db/schema.ts', () => {
  let shape: SchemaShape;
  let db: Map<string, Map<string, DbColumn>>;

  beforeAll(async () => {
    shape = readSchemaShape();
    // As the owner: information_schema shows a role only the columns it holds a privilege on.
    const owner = await getOwnerDb();
    const { rows } = await sql<DbColumn>`
      select c.table_name, c.column_name, c.udt_name, c.is_nullable, c.column_default, c.is_identity, c.is_generated
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
      order by c.table_name, c.ordinal_position`.execute(owner);
    db = new Map();
    for (const r of rows) {
      if (NOT_APPLICATION.has(r.table_name)) continue;
      if (!db.has(r.table_name)) db.set(r.table_name, new Map());
      db.get(r.table_name)?.set(r.column_name, r);
    }
  });

  it('reads both sides', () => {
    expect(shape.get('households')?.get('village_code')).toEqual({ kinds: ['string'], nullable: false, optionalOnInsert: false, neverWritten: false });
    expect(db.get('households')?.get('village_code')?.udt_name).toBe('text');
  });

  it('names every table and column of the database, and only those', () => {
    const missingTables = [...db.keys()].filter((t) => !shape.has(t));
    const unknownTables = [...shape.keys()].filter((t) => !db.has(t));
    const missingColumns: string[] = [];
    const unknownColumns: string[] = [];
    for (const [table, columns] of db) {
      const declared = shape.get(table);
      if (!declared) continue;
      for (const c of columns.keys()) if (!declared.has(c)) missingColumns.push(`${table}.${c}`);
      for (const c of declared.keys()) if (!columns.has(c)) unknownColumns.push(`${table}.${c}`);
    }
    expect({
      'in the database, not in schema.ts': { tables: missingTables, columns: missingColumns },
      'in schema.ts, not in the database': { tables: unknownTables, columns: unknownColumns },
    }).toEqual({
      'in the database, not in schema.ts': { tables: [], columns: [] },
      'in schema.ts, not in the database': { tables: [], columns: [] },
    });
  });

  it('gives every column a compatible type, the same nullability, and a default where an insert may leave it out', () => {
    const problems: string[] = [];
    for (const [table, columns] of shape) {
      for (const [name, ts] of columns) {
        const c = db.get(table)?.get(name);
        if (!c) continue;
        const where = `${table}.${name}`;
        const allowed = COMPATIBLE[c.udt_name];
        if (!allowed) problems.push(`${where}: no rule for the database type ${c.udt_name}`);
        else if (ts.kinds.some((k) => !allowed.includes(k))) problems.push(`${where}: ${ts.kinds.join(' | ')} in schema.ts, ${c.udt_name} in the database`);
        const nullable = c.is_nullable === 'YES';
        // A geometry's type is unknown (never selected raw), which admits null: only its nullability in the database counts.
        if (nullable !== ts.nullable && c.udt_name !== 'geometry' && !(GENERATED_FROM_NOT_NULL.has(where) && !ts.nullable)) {
          problems.push(`${where}: ${ts.nullable ? 'nullable' : 'not null'} in schema.ts, ${nullable ? 'nullable' : 'not null'} in the database`);
        }
        const hasDefault = c.column_default !== null || c.is_identity === 'YES' || c.is_generated === 'ALWAYS';
        if (ts.optionalOnInsert && !nullable && !hasDefault && !FILLED_BY_TRIGGER.has(where))
          problems.push(`${where}: optional on insert in schema.ts, but not null without a default`);
        if (c.is_generated === 'ALWAYS' && !ts.neverWritten)
          problems.push(`${where}: generated always in the database, writable in schema.ts (ColumnType<…, never, never>)`);
      }
    }
    expect(problems).toEqual([]);
  });
});
