// The app's code lists and migration 0025's frozen CHECK constraints name the same values: a value
// added on one side only would be refused by the database or unknown to the app.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { getOwnerDb } from '../../test/db.ts';
import {
  ASSET_KINDS,
  ATTACHMENT_KINDS,
  BENEFIT_MECHANISMS,
  categoryOf,
  PHOTO_STAGES,
  PROJECT_STATES,
  PROJECT_TYPE_CATEGORIES,
  PROJECT_TYPES,
  STEP_ACTIONS,
} from '../projects/code-lists.ts';
import { ENTRY_KINDS, FUND_SOURCES } from './code-lists.ts';

/** The quoted values of the CHECK constraints on `table`.`column` (those naming that column alone). */
async function checkValues(table: string, column: string): Promise<string[]> {
  const db = await getOwnerDb();
  const { rows } = await sql<{ def: string }>`
    select pg_get_constraintdef(c.oid) as def from pg_constraint c
    where c.conrelid = ${table}::regclass and c.contype = 'c'
      and array_length(c.conkey, 1) = 1
      and c.conkey[1] = (select attnum from pg_attribute where attrelid = ${table}::regclass and attname = ${column})`.execute(db);
  return rows.flatMap((r) => [...r.def.matchAll(/'([^']*)'::text/g)].map((m) => m[1] as string)).sort();
}

const sorted = (v: readonly string[]) => [...v].sort();

describe('code lists (migrations 0025, 0028)', () => {
  it('match the database for every coded column', async () => {
    expect(await checkValues('projects', 'type')).toEqual(sorted(PROJECT_TYPES));
    expect(await checkValues('projects', 'state')).toEqual(sorted(PROJECT_STATES));
    expect(await checkValues('project_steps', 'action')).toEqual(sorted(STEP_ACTIONS));
    expect(await checkValues('project_steps', 'from_state')).toEqual(sorted(PROJECT_STATES));
    expect(await checkValues('project_budget_lines', 'source')).toEqual(sorted(FUND_SOURCES));
    expect(await checkValues('ledger_entries', 'source')).toEqual(sorted(FUND_SOURCES));
    expect(await checkValues('ledger_entries', 'kind')).toEqual(sorted(ENTRY_KINDS));
    expect(await checkValues('project_beneficiaries', 'mechanism')).toEqual(sorted(BENEFIT_MECHANISMS));
    expect(await checkValues('project_assets', 'kind')).toEqual(sorted(ASSET_KINDS));
    // migration 0028
    expect(await checkValues('project_media', 'kind')).toEqual(sorted(ATTACHMENT_KINDS));
    expect(await checkValues('project_media', 'stage')).toEqual(sorted(PHOTO_STAGES));
  });

  it('gives every type one category', () => {
    expect(new Set(PROJECT_TYPES).size).toBe(PROJECT_TYPES.length);
    expect(categoryOf('农村道路')).toBe('基础设施');
    expect(categoryOf('入股分红')).toBe('产业发展');
    expect(categoryOf('修路')).toBeUndefined();
    expect(Object.keys(PROJECT_TYPE_CATEGORIES)).toHaveLength(7);
  });
});
