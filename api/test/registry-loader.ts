// Loads a registry file (docs/data-formats.md §1) for tests that need registry data but do not test the
// importer itself: reads it with the shared table reader and inserts through the seed inserter.
import { insertRegistryRows } from '../modules/households/registry.ts';
import { headerKey } from '../modules/imports/headers.ts';
import { cleanCell } from '../modules/imports/normalize.ts';
import { openTable } from '../modules/imports/read-table.ts';
import type { TestDb } from './db.ts';

export async function loadRegistryFileForTests(t: Pick<TestDb, 'db'>, file: string) {
  const table = await openTable(file);
  const headers = table.headers.map((h) => headerKey(h).replace(/\(/g, '（').replace(/\)/g, '）'));
  const rows: Record<string, string>[] = [];
  for await (const r of table.rows) rows.push(Object.fromEntries(headers.map((h, i) => [h, cleanCell(r.values[i] ?? '')])));
  return insertRegistryRows(t.db, rows);
}
