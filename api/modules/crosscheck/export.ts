// Findings export (contract §3): UTF-8 CSV with rule, household_no, id_number, severity, evidence
// (plus review columns). Cells that a spreadsheet would run as a formula are neutralised.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { csvCell } from '../../shared/spreadsheet.ts';
import { maskIdNumber } from '../../shared/mask.ts';
import type { Scope } from '../auth/scope.ts';

export const EXPORT_COLUMNS = ['rule', 'household_no', 'id_number', 'severity', 'evidence', 'status', 'village_code', 'first_seen', 'last_seen'] as const;

// Formula neutralisation is shared with the household XLSX export (api/shared/spreadsheet.ts).
export { csvCell, neutraliseFormula } from '../../shared/spreadsheet.ts';

export interface ExportFilter {
  countyCode: string;
  status?: string[];
  rules?: string[];
  /** Only findings present in the latest run (default true). */
  presentOnly?: boolean;
  /** Mask ID numbers (for roles that do not need them). */
  maskIds?: boolean;
}

export async function* exportFindingsCsv(db: Kysely<Database>, scope: Scope | null, f: ExportFilter): AsyncGenerator<string> {
  yield `\ufeff${EXPORT_COLUMNS.join(',')}\n`;
  const rows = await sql<{
    rule: string;
    household_no: string;
    id_number: string;
    severity: string;
    evidence_text: string;
    status: string;
    village_code: string | null;
    first_seen_at: Date;
    last_seen_at: Date;
  }>`
    select rule, household_no, id_number, severity, evidence_text, status, village_code, first_seen_at, last_seen_at
    from findings
    where county_code = ${f.countyCode}
      ${f.presentOnly === false ? sql`` : sql`and present`}
      ${f.status?.length ? sql`and status in (${sql.join(f.status)})` : sql``}
      ${f.rules?.length ? sql`and rule in (${sql.join(f.rules)})` : sql``}
      ${scope ? sql`and ${scope.sql('village_code', 'county_code')}` : sql``}
    order by rule, household_no, id_number`.execute(db);
  for (const r of rows.rows) {
    yield `${[
      r.rule,
      r.household_no,
      f.maskIds && r.id_number ? (maskIdNumber(r.id_number) ?? '') : r.id_number,
      r.severity,
      r.evidence_text,
      r.status,
      r.village_code ?? '',
      new Date(r.first_seen_at).toISOString().slice(0, 10),
      new Date(r.last_seen_at).toISOString().slice(0, 10),
    ]
      .map((v) => csvCell(String(v)))
      .join(',')}\n`;
  }
}
