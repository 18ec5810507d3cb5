// 登记待识别农户: a household that is not in the registry yet (a 农户申请, or one a cadre found on a
// visit or a department flagged) gets its card here, with its 户主, in the state 待识别 — the state
// that 识别纳入 and 监测对象认定 (边缘易致贫户, 突发严重困难户) start from
// (procedures/state-machine.ts). Status itself still changes only through those procedures.
// Until the national system assigns its 户编号, the card carries a provisional one that can
// never collide with a national number (those are digits only): county code + 'D' + 7 digits.
// A registry import that lists its 户主 as the head of a household gives the card that household's
// national number (registry/queries.ts, buildHouseholdStage).
import type { z } from '@hono/zod-openapi';
import { type Ctx, inTransaction } from '../../context.ts';
import type { DbOrTrx } from '../../db/schema.ts';
import { AppError, Conflict, type FieldError, Invalid, NotFound } from '../../errors.ts';
import { nameInitials } from '../../shared/pinyin.ts';
import { recordAudit } from '../audit/audit.ts';
import { HEAD_RELATION } from './code-lists.ts';
import { auditedHousehold, locationColumns } from './households.ts';
import { checkNewMember, insertMember, mapConstraint, type MemberCreateInput } from './members.ts';
import * as q from './queries.ts';
import type { CandidateCreate } from './schema/index.ts';

/**
 * A household to register: `householdNo` the national 户编号 when there is one (otherwise a
 * provisional one is given), `head` its 户主 (relation 户主 whatever is sent), `source` why it is
 * registered (农户申请, 干部走访, 部门预警…, kept with the audit entry).
 */
export type CandidateInput = z.infer<typeof CandidateCreate>;

/** The next provisional 户编号 of a county (county + D + 7 digits). */
async function nextProvisionalNo(db: DbOrTrx, countyCode: string): Promise<string> {
  const prefix = `${countyCode}D`;
  const last = await q.lastHouseholdNo(db, countyCode, prefix, 7);
  const n = last && /^\d{7}$/.test(last.slice(prefix.length)) ? Number(last.slice(prefix.length)) + 1 : 1;
  return `${prefix}${String(n).padStart(7, '0')}`;
}

const isNumberTaken = (e: unknown) => {
  const err = e as { code?: string; constraint?: string; message?: string };
  return err?.code === '23505' && `${err.constraint ?? ''} ${err.message ?? ''}`.includes('household_no');
};

export async function registerCandidate(ctx: Ctx, input: CandidateInput): Promise<{ id: string; householdNo: string }> {
  const { db, scope } = ctx;
  scope.assertCanWrite(input.villageCode, 'household', input.id ?? input.villageCode);
  const village = await q.findArea(db, input.villageCode);
  if (!village) throw NotFound('area.notFound', { code: input.villageCode });
  if (village.level !== 'village') throw Invalid([{ path: 'villageCode', key: 'household.notVillage', params: { code: input.villageCode } }]);
  const countyCode = input.villageCode.slice(0, 6);
  const errors: FieldError[] = [];
  const head: MemberCreateInput = { ...input.head, relation: HEAD_RELATION };
  const checked = checkNewMember(head, errors, 'head.');
  if (errors.length || !checked) throw Invalid(errors);

  // A provisional number raced by another registration is taken again (a given one is refused).
  for (let attempt = 0; ; attempt++) {
    const householdNo = input.householdNo ?? (await nextProvisionalNo(db, countyCode));
    try {
      return await inTransaction(ctx, async (trx, tctx) => {
        if (input.id && (await q.idExists(trx, 'households', input.id))) throw Conflict('record.idTaken', { id: input.id });
        const { location, ...fixColumns } = locationColumns(input.location ?? null);
        const row = await q.insertHousehold(trx, {
          ...(input.id ? { id: input.id } : {}),
          county_code: countyCode,
          village_code: input.villageCode,
          household_no: householdNo,
          group_name: input.groupName ?? null,
          address: input.address ?? null,
          phone: input.phone ?? null,
          household_type: input.householdType ?? '一般户',
          main_cause: input.mainCause ?? null,
          head_name: head.name,
          head_initials: nameInitials(head.name),
          // 户状态 has no meaning before 识别纳入 (the state is 待识别); it is set by the procedure.
          status: '未脱贫户',
          registry_state: '待识别',
          location: location ? q.pointSql(location.lon, location.lat) : null,
          ...fixColumns,
        });
        await recordAudit(trx, {
          actor: ctx.actor,
          action: 'household.create',
          entity: 'household',
          entityId: row.id,
          areaCode: input.villageCode,
          before: null,
          after: {
            ...auditedHousehold(row, location ? [location.lon, location.lat] : null),
            village_code: input.villageCode,
            household_no: householdNo,
            registry_state: '待识别',
          },
          note: input.source ? { source: input.source } : undefined,
          origin: ctx.origin,
        });
        await insertMember(trx, scope, { id: row.id, county_code: countyCode, village_code: input.villageCode }, head, checked, tctx);
        return { id: row.id, householdNo };
      });
    } catch (e) {
      if (isNumberTaken(e)) {
        if (input.householdNo === undefined && attempt < 5) continue;
        throw new AppError('CONFLICT', 'household.numberTaken', { householdNo }, [
          { path: 'householdNo', key: 'household.numberTaken', params: { householdNo } },
        ]);
      }
      return mapConstraint(e);
    }
  }
}
