// County settings per year (县级年度设置, the 年度标准 page): the poverty line (贫困线) and the
// monitoring line (防返贫监测范围收入标准), both per-capita net income per year in integer fen, the
// medical self-pay alert and the months of discharges it sums. The province publishes them each
// year; the county office records them here. They are the only thresholds: 标注脱贫 / 风险消除 are
// checked against them (procedures.ts), the card and the printouts compare income with them, and
// the cross-check's MEDICAL_RISK reads its alert from them (crosscheck/run.ts).
import type { z } from '@hono/zod-openapi';
import { type Ctx, inTransaction } from '../../context.ts';
import type { Db, DbOrTrx, Trx } from '../../db/schema.ts';
import { Conflict, Forbidden, NotFound } from '../../errors.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/audit.ts';
import type { Scope } from '../auth/scope.ts';
import { can } from '../../shared/permissions.ts';
import * as q from './queries.ts';
import type { CountySettingsBody } from './schema.ts';
import { MIN_MONITORING_MONTHS } from './state-machine.ts';

/** The cross-check catalogue's window for the medical alert: 12 months up to as-of. */
const DEFAULT_MEDICAL_WINDOW_MONTHS = 12;

function view(r: q.CountySettingsRow) {
  return {
    countyCode: r.county_code,
    year: r.year,
    povertyLineFen: Number(r.poverty_line),
    monitoringLineFen: Number(r.monitoring_line),
    medicalSelfPayThresholdFen: r.medical_self_pay_threshold == null ? null : Number(r.medical_self_pay_threshold),
    riskEliminationMonths: Number(r.risk_elimination_months),
    medicalWindowMonths: Number(r.medical_window_months),
    version: r.version,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** Readable by anyone working in the county (its villages and townships too) or above it. */
function assertReads(scope: Scope, countyCode: string) {
  if (scope.covers(countyCode) || scope.areaCode.startsWith(countyCode)) return;
  scope.assertCovers(countyCode, 'county_year_settings', countyCode);
}

/** The lines of a county for a year, or undefined (for the card and other modules). */
export async function findCountyYearSettings(db: DbOrTrx, countyCode: string, year: number) {
  const r = await q.findCountySettings(db, countyCode, year);
  return r ? view(r) : undefined;
}

export async function getCountySettings({ db, scope }: Ctx, countyCode: string, year: number) {
  assertReads(scope, countyCode);
  const r = await q.findCountySettings(db, countyCode, year);
  if (!r) throw NotFound('countySettings.notFound', { county: countyCode, year });
  return view(r);
}

/** Every year the county has set, latest first. */
export async function listCountySettings({ db, scope }: Ctx, countyCode: string) {
  assertReads(scope, countyCode);
  return { items: (await q.listCountySettings(db, countyCode)).map(view) };
}

/**
 * `riskEliminationMonths` / `medicalWindowMonths` absent: kept, or 6 / 12 for a new year; `version`
 * absent: create (409 if they exist), present: must match the current version.
 */
export type SettingsInput = z.infer<typeof CountySettingsBody>;

/** Creates or changes a county-year (the county office of that county only); audited. */
export function putCountySettings(ctx: Ctx, countyCode: string, year: number, input: SettingsInput) {
  return inTransaction(ctx, (trx) => put(trx, ctx, countyCode, year, input));
}

async function put(trx: Trx, ctx: Ctx, countyCode: string, year: number, input: SettingsInput) {
  ctx.scope.assertCanWrite(countyCode, 'county_year_settings', `${countyCode}/${year}`);
  if (!can(ctx.scope.role, 'countySettings.edit')) throw Forbidden('countySettings.countyOfficialOnly');
  const before = await q.findCountySettings(trx, countyCode, year);
  const values: q.SettingsValues = {
    poverty_line: input.povertyLineFen,
    monitoring_line: input.monitoringLineFen,
    medical_self_pay_threshold:
      input.medicalSelfPayThresholdFen === undefined ? (before?.medical_self_pay_threshold ?? null) : input.medicalSelfPayThresholdFen,
    risk_elimination_months: input.riskEliminationMonths ?? before?.risk_elimination_months ?? MIN_MONITORING_MONTHS,
    medical_window_months: input.medicalWindowMonths ?? before?.medical_window_months ?? DEFAULT_MEDICAL_WINDOW_MONTHS,
  };
  let after: q.CountySettingsRow | undefined;
  if (!before) {
    after = await q.insertCountySettings(trx, countyCode, year, values);
  } else if (input.version === undefined) {
    throw Conflict('countySettings.exists', { county: countyCode, year, current: before.version }, { currentVersion: before.version });
  } else {
    after = await q.updateCountySettings(trx, countyCode, year, input.version, values);
  }
  if (!after) {
    const current = await q.findCountySettings(trx, countyCode, year);
    throw Conflict('countySettings.versionConflict', { current: current?.version ?? 0 }, { currentVersion: current?.version ?? null });
  }
  const pick = (r: q.CountySettingsRow | undefined) =>
    r && {
      poverty_line: r.poverty_line,
      monitoring_line: r.monitoring_line,
      medical_self_pay_threshold: r.medical_self_pay_threshold,
      risk_elimination_months: r.risk_elimination_months,
      medical_window_months: r.medical_window_months,
      version: r.version,
    };
  await recordAudit(trx, {
    actor: ctx.actor,
    action: before ? 'county_settings.update' : 'county_settings.create',
    entity: 'county_year_settings',
    entityId: `${countyCode}/${year}`,
    areaCode: countyCode,
    before: pick(before) ?? null,
    after: pick(after),
    origin: ctx.origin,
  });
  return view(after);
}

/**
 * Demo lines for 黔西南州 (yuan per capita per year). The 2023 monitoring line is Guizhou's
 * published 7,300; the other years and the poverty lines (the 2,300-yuan 2010 standard at
 * current prices) are sensible approximations for demos — a county sets real ones via
 * PUT /api/county-settings/{county}/years/{year}.
 */
export const DEMO_LINES_YUAN: Record<number, { poverty: number; monitoring: number }> = {
  2021: { poverty: 4100, monitoring: 6000 },
  2022: { poverty: 4200, monitoring: 6600 },
  2023: { poverty: 4300, monitoring: 7300 },
  2024: { poverty: 4400, monitoring: 7600 },
  2025: { poverty: 4500, monitoring: 7900 },
  2026: { poverty: 4600, monitoring: 8200 },
};
const DEMO_MEDICAL_THRESHOLD_YUAN = 10_000;

/** Seeds the demo lines for every county under `prefix` (default 黔西南州); existing rows stay. */
export async function seedCountyYearSettings(db: Db, prefix = '5223') {
  return db.transaction().execute((trx) => seedIn(trx, prefix));
}

async function seedIn(db: Trx, prefix: string) {
  const counties = await q.countiesUnder(db, prefix);
  const rows = counties.flatMap(({ code }) =>
    Object.entries(DEMO_LINES_YUAN).map(([year, l]) => ({
      county_code: code,
      year: Number(year),
      poverty_line: l.poverty * 100,
      monitoring_line: l.monitoring * 100,
      medical_self_pay_threshold: DEMO_MEDICAL_THRESHOLD_YUAN * 100,
    })),
  );
  const inserted = await q.insertManyCountySettings(db, rows);
  if (inserted) {
    await recordAudit(db, {
      actor: SYSTEM_ACTOR,
      action: 'seed.county_settings',
      entity: 'county_year_settings',
      entityId: prefix,
      areaCode: prefix,
      note: { counties: counties.length, years: Object.keys(DEMO_LINES_YUAN).map(Number), inserted },
    });
  }
  return inserted;
}
