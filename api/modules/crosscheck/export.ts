// Findings export (docs/data-formats.md §3): UTF-8 CSV with rule, household_no, id_number, severity, evidence
// (plus review columns). Cells that a spreadsheet would run as a formula are neutralised.
import { type Ctx, inTransaction } from '../../context.ts';
import type { DbOrTrx } from '../../db/schema.ts';
import { csvCell } from '../../shared/spreadsheet.ts';
import { t } from '../../http/messages.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Masker } from '../auth/personal-data.ts';
import { HEALTH_EVIDENCE_RULES } from './rules/index.ts';
import type { Scope } from '../auth/scope.ts';
import * as q from './queries.ts';

export const EXPORT_COLUMNS = ['rule', 'household_no', 'id_number', 'severity', 'evidence', 'status', 'village_code', 'first_seen', 'last_seen'] as const;

// Formula neutralisation is shared with the household XLSX export (api/shared/spreadsheet.ts).
export { csvCell, neutraliseFormula } from '../../shared/spreadsheet.ts';

export interface ExportFilter extends q.ExportRowFilter {
  /**
   * How ID numbers are shown (auth/personal-data.ts): the API passes the caller's masker (masked
   * unless a role that needs them asked for them, audited); the operator CLI passes none and
   * writes full ID numbers (docs/data-formats.md §3).
   */
  mask?: Masker;
}

/** The evidence sentence as the export's reader may see it (health withheld, typed-in numbers masked). */
function evidenceFor(rule: string, text: string, mask: Masker | undefined): string {
  if (!mask) return text;
  if (HEALTH_EVIDENCE_RULES.has(rule) && !mask.seesHealth) return t('zh-CN', 'finding.healthWithheld');
  return mask.text(text) ?? '';
}

/** The export as CSV chunks: findings in `scope` (null: the operator's, unscoped). */
export async function* exportFindingsCsv(db: DbOrTrx, scope: Scope | null, f: ExportFilter): AsyncGenerator<string> {
  yield `\ufeff${EXPORT_COLUMNS.join(',')}\n`;
  const rows = await q.exportRows(db, scope, f);
  for (const r of rows) {
    yield `${[
      r.rule,
      r.household_no,
      f.mask && r.id_number ? (f.mask.idNumber(r.id_number) ?? '') : r.id_number,
      r.severity,
      evidenceFor(r.rule, r.evidence_text, f.mask),
      r.status,
      r.village_code ?? '',
      new Date(r.first_seen_at).toISOString().slice(0, 10),
      new Date(r.last_seen_at).toISOString().slice(0, 10),
    ]
      .map((v) => csvCell(String(v)))
      .join(',')}\n`;
  }
}

/**
 * Findings carry ID numbers: who exported which county's findings, how (`note`: format, filter,
 * masking, rows…) is on record — in its own transaction, before the first byte (HTTP) or after the
 * last (CLI). Filed under the caller's own area when it lies in a county, else the county's.
 */
export function auditFindingsExport(ctx: Ctx, countyCode: string, note: Record<string, unknown>) {
  return inTransaction(ctx, (trx) =>
    recordAudit(trx, {
      actor: ctx.actor,
      action: 'findings.export',
      entity: 'findings',
      entityId: countyCode,
      areaCode: ctx.scope.areaCode.length >= 6 ? ctx.scope.areaCode : countyCode,
      note,
      origin: ctx.origin,
    }),
  );
}
