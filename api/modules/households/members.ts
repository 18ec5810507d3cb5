// Household members (家庭成员): add, edit, soft delete. Rules: birth date and sex come from the
// ID number (GB 11643, 15-digit numbers upgraded); a typed sex that contradicts it is refused;
// exactly one 户主 per household (a head change swaps both relations in one step); a person
// (ID number) belongs to one household at a time — refused naming the other household.
// The database backs the last two rules with unique indexes (migrations 0006, 0014) per county;
// a person in another county is found here (members_id_number_any_county_idx).
import type { z } from '@hono/zod-openapi';
import { type Ctx, inTransaction } from '../../context.ts';
import type { DbOrTrx, Member, Trx } from '../../db/schema.ts';
import { AppError, Conflict, type FieldError, Invalid, NotFound } from '../../errors.ts';
import { parseIdNumber } from '../../shared/id-number.ts';
import { nameInitials } from '../../shared/pinyin.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Scope } from '../auth/scope.ts';
import { HEAD_RELATION, PERSON_STATUSES_LEFT } from './code-lists.ts';
import { staleRecord } from './households.ts';
import * as q from './queries.ts';
import type { MemberCreate, MemberPatch } from './schema/index.ts';
import { memberView } from './views.ts';
import { maskerFor } from '../auth/personal-data.ts';
import { assertWritesReadable, keepMaskedText, nameFor } from './privacy.ts';

export type MemberCreateInput = z.infer<typeof MemberCreate>;
export type MemberPatchInput = z.infer<typeof MemberPatch>;
/** A member's own fields (what a create and a patch share). */
type MemberInput = Omit<MemberCreateInput, 'id'>;

const isLeft = (status: string) => (PERSON_STATUSES_LEFT as readonly string[]).includes(status);

/** The identity an ID number gives (normalised number, birth date, sex); field errors otherwise. */
function identity(idNumber: string, typedSex: string | undefined, errors: FieldError[]) {
  const p = parseIdNumber(idNumber);
  if (!p.ok) {
    errors.push({ path: 'idNumber', key: `idNumber.${p.problem}` });
    return undefined;
  }
  if (typedSex && typedSex !== p.value.sex) errors.push({ path: 'sex', key: 'member.sexMismatch', params: { sex: p.value.sex } });
  return p.value;
}

/** Column values for the optional fields present in the input. */
function columns(i: Partial<MemberInput>) {
  const c: Record<string, unknown> = {};
  const map: [keyof MemberInput, string][] = [
    ['name', 'name'],
    ['relation', 'relation'],
    ['ethnicity', 'ethnicity'],
    ['politicalStatus', 'political_status'],
    ['education', 'education'],
    ['schooling', 'schooling'],
    ['health', 'health'],
    ['disabilityCategory', 'disability_category'],
    ['disabilityGrade', 'disability_grade'],
    ['disease', 'disease'],
    ['laborSkill', 'labor_skill'],
    ['workStatus', 'work_status'],
    ['workMonths', 'work_months'],
    ['workPlace', 'work_place'],
    ['hasMedicalInsurance', 'has_medical_insurance'],
    ['hasSeriousIllnessInsurance', 'has_serious_illness_insurance'],
    ['hasPensionInsurance', 'has_pension_insurance'],
    ['enjoysDibao', 'enjoys_dibao'],
    ['enjoysTekun', 'enjoys_tekun'],
    ['isActiveMilitary', 'is_active_military'],
    ['phone', 'phone'],
    ['personStatus', 'person_status'],
    ['statusDate', 'status_date'],
  ];
  for (const [k, col] of map) if (i[k] !== undefined) c[col] = i[k];
  if (i.name !== undefined) c.name_initials = nameInitials(i.name);
  return c;
}

/**
 * Refuses a person who is a live member of another household. Inside the caller's area the refusal
 * names it (户编号, village, head); outside it, it says only that the person is registered elsewhere
 * and whom to ask — typing an ID number must not look people up across areas — and the attempt is
 * audited (as a refused access, by the error middleware).
 */
async function assertPersonFree(trx: Trx, scope: Scope, idNumber: string, householdId: string, exceptMemberId?: string) {
  const others = (await q.findPersonMemberships(trx, idNumber)).filter((m) => m.id !== exceptMemberId);
  if (others.some((m) => m.household_id === householdId)) throw Invalid([{ path: 'idNumber', key: 'member.inThisHousehold' }]);
  const outside = others.find((m) => !scope.covers(m.village_code));
  if (outside) {
    throw new AppError('CONFLICT', 'member.inHouseholdOutsideArea', {}, [{ path: 'idNumber', key: 'member.inHouseholdOutsideArea' }], {
      audit: { code: outside.village_code, entity: 'household', entityId: householdId, kind: 'person_lookup' },
    });
  }
  const other = others[0];
  if (other) {
    // 户编号 and village name are not personal data; the refusal must say where the person is.
    const params = { householdNo: other.household_no, village: other.village_name };
    throw new AppError('CONFLICT', 'member.inOtherHousehold', params, [{ path: 'idNumber', key: 'member.inOtherHousehold', params }], {
      otherHousehold: {
        householdNo: other.household_no,
        villageCode: other.village_code,
        villageName: other.village_name,
        headName: nameFor(scope, other.village_code, other.head_name),
      },
    });
  }
}

/** Unique-index violations raced past the checks above become the same refusals. */
export function mapConstraint(e: unknown): never {
  const err = e as { code?: string; constraint?: string; message?: string };
  if (err?.code === '23505') {
    const what = `${err.constraint ?? ''} ${err.message ?? ''}`;
    if (what.includes('one_household_per_person')) throw Conflict('member.duplicatePerson');
    if (what.includes('one_head')) throw Invalid([{ path: 'relation', key: 'member.headExists' }]);
    if (what.includes('pkey')) throw Conflict('record.idTaken', { id: '' });
  }
  throw e;
}

const audited = (m: Record<string, unknown>) => {
  const { created_at: _c, updated_at: _u, name_initials: _n, household_id: _h, county_code: _cc, ...rest } = m;
  return rest;
};

async function setHeadName(trx: Trx, householdId: string, name: string, ctx: Ctx, areaCode: string, before: { head_name: string; version: number }) {
  if (before.head_name === name) return;
  const after = await q.updateHousehold(trx, householdId, null, { head_name: name, head_initials: nameInitials(name) });
  if (!after) throw NotFound('household.notFound', { id: householdId });
  await recordAudit(trx, {
    actor: ctx.actor,
    action: 'household.head_changed',
    entity: 'household',
    entityId: householdId,
    areaCode,
    before: { head_name: before.head_name, version: before.version },
    after: { head_name: after.head_name, version: after.version },
    origin: ctx.origin,
  });
}

async function lockForWrite(trx: Trx, scope: Scope, householdId: string) {
  const h = await q.findHousehold(trx, householdId);
  if (!h) throw NotFound('household.notFound', { id: householdId });
  scope.assertCanWrite(h.village_code, 'household', householdId);
  await q.lockHousehold(trx, householdId);
  return h;
}

/** A new member's identity and status, checked before anything is written (field errors otherwise). */
export function checkNewMember(input: MemberCreateInput, errors: FieldError[] = [], pathPrefix = '') {
  const own: FieldError[] = [];
  const who = identity(input.idNumber, input.sex, own);
  const status = input.personStatus ?? '正常';
  if (status !== '正常' && !input.statusDate) own.push({ path: 'statusDate', key: 'member.statusDateRequired', params: { status } });
  errors.push(...own.map((e) => ({ ...e, path: `${pathPrefix}${e.path}` })));
  return own.length || !who ? undefined : { who, status };
}

/**
 * Writes a member checked by checkNewMember into a household locked for writing: the person must
 * not be live in another household; the entry goes to the audit log.
 */
export async function insertMember(
  trx: Trx,
  scope: Scope,
  h: { id: string; county_code: string; village_code: string },
  input: MemberCreateInput,
  checked: NonNullable<ReturnType<typeof checkNewMember>>,
  ctx: Ctx,
) {
  const { who, status } = checked;
  if (input.id && (await q.idExists(trx, 'members', input.id))) throw Conflict('record.idTaken', { id: input.id });
  if (!isLeft(status)) await assertPersonFree(trx, scope, who.id, h.id);
  const row = await q.insertRecord(trx, 'members', {
    ...(input.id ? { id: input.id } : {}),
    ...columns(input),
    household_id: h.id,
    county_code: h.county_code,
    id_number: who.id,
    sex: who.sex,
    birth_date: who.birthDate,
    person_status: status,
    registry_duplicate: false,
  });
  await recordAudit(trx, {
    actor: ctx.actor,
    action: 'member.create',
    entity: 'member',
    entityId: String(row.id),
    subjectId: h.id,
    areaCode: h.village_code,
    before: null,
    after: audited(row),
    note: who.upgraded ? { idNumberUpgradedFrom15: true } : undefined,
    origin: ctx.origin,
  });
  return row;
}

/** Refuses a member id that is not a live member of this household (records that name a member). */
export async function assertMemberOfHousehold(db: DbOrTrx, householdId: string, memberId: unknown) {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- an id text (unknown narrowed to {})
  if (memberId && !(await q.findMember(db, householdId, String(memberId)))) {
    throw Invalid([{ path: 'memberId', key: 'member.notInHousehold' }]);
  }
}

export async function addMember(ctx: Ctx, householdId: string, input: MemberCreateInput) {
  const { scope } = ctx;
  const errors: FieldError[] = [];
  const checked = checkNewMember(input, errors);
  if (errors.length || !checked) throw Invalid(errors);
  try {
    return await inTransaction(ctx, async (trx) => {
      const h = await lockForWrite(trx, scope, householdId);
      const members = await q.listMembers(trx, householdId);
      const head = members.find((m) => m.relation === HEAD_RELATION);
      if (input.relation === HEAD_RELATION && head) throw Invalid([{ path: 'relation', key: 'member.headExists' }]);
      const row = await insertMember(trx, scope, { id: householdId, county_code: h.county_code, village_code: h.village_code }, input, checked, ctx);
      if (input.relation === HEAD_RELATION) await setHeadName(trx, householdId, input.name, ctx, h.village_code, h);
      return memberView(row as Member, maskerFor({ role: scope.role }));
    });
  } catch (e) {
    return mapConstraint(e);
  }
}

export async function updateMember(ctx: Ctx, householdId: string, memberId: string, patch: MemberPatchInput) {
  const { scope } = ctx;
  try {
    return await inTransaction(ctx, async (trx) => {
      const h = await lockForWrite(trx, scope, householdId);
      const before = await q.findMember(trx, householdId, memberId);
      if (!before) throw NotFound('member.notFound');
      // No one overwrites what they cannot see (health details, ID number, phone for some roles).
      assertWritesReadable(scope.role, 'member', patch, { areaCode: h.village_code, entityId: memberId });
      if (before.version !== patch.version) throw staleRecord(before.version);

      const errors: FieldError[] = [];
      const set = keepMaskedText(scope.role, columns(patch), before);
      let idNumber = before.id_number;
      if (patch.idNumber !== undefined) {
        const who = identity(patch.idNumber, patch.sex, errors);
        if (who) {
          idNumber = who.id;
          Object.assign(set, { id_number: who.id, sex: who.sex, birth_date: who.birthDate });
          if (who.id !== before.id_number) set.registry_duplicate = false;
        }
      } else if (patch.sex !== undefined) {
        identity(before.id_number, patch.sex, errors);
      }
      const status = patch.personStatus ?? before.person_status;
      const statusDate = patch.statusDate !== undefined ? patch.statusDate : before.status_date;
      // A change of 人员状态 needs its date; a status that came without one (the registry file has
      // no date column) is kept as it is when other fields are edited.
      const statusChanged = status !== before.person_status || (patch.statusDate !== undefined && before.status_date !== null && !statusDate);
      if (status !== '正常' && !statusDate && statusChanged) errors.push({ path: 'statusDate', key: 'member.statusDateRequired', params: { status } });

      // Exactly one 户主.
      const relation = patch.relation ?? before.relation;
      let previousHead: Member | undefined;
      if (before.relation === HEAD_RELATION && relation !== HEAD_RELATION) {
        errors.push({ path: 'relation', key: 'member.headRequired' });
      } else if (relation === HEAD_RELATION && before.relation !== HEAD_RELATION) {
        previousHead = (await q.listMembers(trx, householdId)).find((m) => m.relation === HEAD_RELATION);
        if (previousHead && !patch.previousHeadRelation) errors.push({ path: 'relation', key: 'member.headExists' });
        if (patch.previousHeadRelation === HEAD_RELATION) errors.push({ path: 'previousHeadRelation', key: 'member.previousHeadRelation' });
      }
      if (errors.length) throw Invalid(errors);

      const becomesLive = isLeft(before.person_status) && !isLeft(status);
      if (!isLeft(status) && (idNumber !== before.id_number || becomesLive)) {
        await assertPersonFree(trx, scope, idNumber, householdId, memberId);
        set.registry_duplicate = false;
      }

      if (previousHead && patch.previousHeadRelation) {
        const demoted = await q.updateVersioned(trx, 'members', previousHead.id, previousHead.version, { relation: patch.previousHeadRelation });
        if (!demoted) throw staleRecord(previousHead.version);
        await recordAudit(trx, {
          actor: ctx.actor,
          action: 'member.update',
          entity: 'member',
          entityId: previousHead.id,
          subjectId: householdId,
          areaCode: h.village_code,
          before: { relation: previousHead.relation, version: previousHead.version },
          after: { relation: demoted.relation, version: demoted.version },
          note: { headChange: true },
          origin: ctx.origin,
        });
      }
      const after = await q.updateVersioned(trx, 'members', memberId, patch.version, set);
      if (!after) throw staleRecord(before.version);
      await recordAudit(trx, {
        actor: ctx.actor,
        action: 'member.update',
        entity: 'member',
        entityId: memberId,
        subjectId: householdId,
        areaCode: h.village_code,
        before: audited(before),
        after: audited(after),
        origin: ctx.origin,
      });
      if (after.relation === HEAD_RELATION) await setHeadName(trx, householdId, String(after.name), ctx, h.village_code, h);
      return memberView(after as Member, maskerFor({ role: scope.role }));
    });
  } catch (e) {
    return mapConstraint(e);
  }
}

export async function deleteMember(ctx: Ctx, householdId: string, memberId: string, version: number | undefined) {
  const { scope } = ctx;
  return inTransaction(ctx, async (trx) => {
    const h = await lockForWrite(trx, scope, householdId);
    const before = await q.findMember(trx, householdId, memberId);
    if (!before) throw NotFound('member.notFound');
    if (version !== undefined && before.version !== version) throw staleRecord(before.version);
    if (before.relation === HEAD_RELATION) throw Invalid([{ path: 'relation', key: 'member.headRequired' }]);
    const after = await q.softDelete(trx, 'members', memberId, before.version);
    if (!after) throw staleRecord(before.version);
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'member.delete',
      entity: 'member',
      entityId: memberId,
      subjectId: householdId,
      areaCode: h.village_code,
      before: { name: before.name, relation: before.relation, version: before.version, deleted_at: null },
      after: { name: before.name, relation: before.relation, version: Number(after.version), deleted_at: after.deleted_at },
      origin: ctx.origin,
    });
    return { id: memberId, deleted: true as const, version: Number(after.version) };
  });
}
