// 县级审定 applies a procedure: the household's status fields change (and, for 自然减少, its members'),
// its card version is bumped, and every change is audited — in the step's transaction. The only
// place a household's status changes outside a registry import.
import type { Ctx } from '../../context.ts';
import type { Trx } from '../../db/schema.ts';
import { Conflict, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import { checkConditions, chinaDate } from './guards.ts';
import * as q from './queries.ts';
import type { PayloadOf } from './schema.ts';
import { en, type ProcedureType, stateOf } from './state-machine.ts';

function householdChange(
  type: ProcedureType,
  payload: Record<string, unknown>,
  h: q.HouseholdRow,
  guardYear: number | undefined,
  now: Date,
): q.HouseholdChange {
  const thisYear = Number(chinaDate(now).slice(0, 4));
  switch (type) {
    case '识别纳入': {
      const p = payload as PayloadOf<'识别纳入'>;
      return {
        registry_state: '在册',
        status: '未脱贫户',
        identified_year: p.identifiedYear,
        identification_standard: p.identificationStandard ?? h.identification_standard,
        main_cause: p.mainCause ?? h.main_cause,
        other_causes: p.otherCauses ?? h.other_causes,
        exit_year: null,
        monitoring_category: null,
        risk_types: [],
        risk_eliminated_year: null,
        removed_on: null,
      };
    }
    case '监测对象认定': {
      const p = payload as PayloadOf<'监测对象认定'>;
      return {
        registry_state: '在册',
        status: '监测户',
        monitoring_category: p.monitoringCategory,
        risk_types: p.riskTypes,
        identified_year: h.identified_year ?? p.year ?? thisYear,
        risk_eliminated_year: null,
        removed_on: null,
      };
    }
    case '标注脱贫':
      return { status: '脱贫户', exit_year: (payload as PayloadOf<'标注脱贫'>).exitYear ?? guardYear ?? thisYear };
    case '风险消除':
      return { status: '已消除风险', risk_eliminated_year: (payload as PayloadOf<'风险消除'>).year ?? guardYear ?? thisYear };
    case '返贫':
      return { status: '未脱贫户', exit_year: null, main_cause: (payload as PayloadOf<'返贫'>).mainCause ?? h.main_cause };
    case '再次纳入': {
      const p = payload as PayloadOf<'再次纳入'>;
      return { status: '监测户', monitoring_category: p.monitoringCategory, risk_types: p.riskTypes, risk_eliminated_year: null };
    }
    case '自然减少':
      return { registry_state: '自然减少', removed_on: chinaDate(now) };
    case '清退':
      return { registry_state: '清退', removed_on: chinaDate(now) };
  }
}

/**
 * 县级审定: re-checks everything the start checked (the household may have changed during the
 * weeks of sign-off), then changes the household, bumps its card version and audits it.
 */
export async function applyProcedure(trx: Trx, ctx: Ctx, p: q.ProcedureRow, now: Date) {
  const h = await q.lockHousehold(trx, p.household_id);
  if (!h) throw NotFound('procedure.householdNotFound', { id: p.household_id });
  const type = p.type as ProcedureType;
  const state = stateOf(h);
  if (state !== p.from_state) throw Conflict('procedure.stateChanged', { stateZh: state, stateEn: en(state) }, { state, fromState: p.from_state });
  const payload = p.payload;
  const guardYear = await checkConditions(trx, h, type, state, payload, now);

  if (type === '自然减少') {
    const pl = payload as PayloadOf<'自然减少'>;
    const members = new Map((await q.currentMembers(trx, h.id)).map((m) => [m.id, m]));
    for (const m of pl.members) {
      const before = members.get(m.memberId);
      if (!before || (before.person_status === m.personStatus && before.status_date === m.statusDate)) continue;
      const after = await q.setMemberStatus(trx, m.memberId, m.personStatus, m.statusDate, now);
      await recordAudit(trx, {
        actor: ctx.actor,
        action: 'member.update',
        entity: 'member',
        entityId: m.memberId,
        subjectId: h.id,
        areaCode: h.village_code,
        before: { person_status: before.person_status, status_date: before.status_date, version: before.version },
        after: { person_status: after.person_status, status_date: after.status_date, version: after.version },
        note: { procedureId: p.id, type },
        origin: ctx.origin,
      });
    }
  }

  const change = householdChange(type, payload, h, guardYear, now);
  const after = await q.applyHouseholdChange(trx, h.id, change, now);
  const keys = [...Object.keys(change), 'version'] as (keyof q.HouseholdRow)[];
  const pick = (r: q.HouseholdRow) => Object.fromEntries(keys.map((k) => [k, r[k]]));
  await recordAudit(trx, {
    actor: ctx.actor,
    action: 'household.procedure_applied',
    entity: 'household',
    entityId: h.id,
    subjectId: h.id,
    areaCode: h.village_code,
    before: pick(h),
    after: pick(after),
    note: { procedureId: p.id, type, fromState: state, toState: stateOf(after) },
    origin: ctx.origin,
  });
  return after;
}
