// Review of findings: open → confirmed / dismissed (reason) / needs visit → resolved. Confirming
// applies the finding's consequence to the card in the same transaction — member marked deceased
// or moved out (and 自然减少 opened when nobody is left), a 清退 review opened, a 监测对象认定
// proposed with its risk type, 户类型 / 在校生状况 / 健康状况 corrected — through the card's
// procedures, all audited with the household as subject. The procedure a confirmation starts joins
// the review's transaction (startProcedure is given the review's `{ ...ctx, db: trx }`).
import type { z } from '@hono/zod-openapi';
import { type Ctx, inTransaction } from '../../context.ts';
import type { Trx } from '../../db/schema.ts';
import { AppError, Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import { type StartInput, startProcedure } from '../procedures/procedures.ts';
import { can } from '../../shared/permissions.ts';
import * as q from './queries.ts';
import type { ReviewBody } from './schema.ts';

export const FINDING_STATUSES = ['open', 'confirmed', 'dismissed', 'needs_visit', 'resolved'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
export const REVIEW_ACTIONS = ['confirm', 'dismiss', 'needs_visit', 'resolve', 'reopen'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

/** Which action leads from which status, to which. */
const TRANSITIONS: Record<ReviewAction, { from: FindingStatus[]; to: FindingStatus }> = {
  confirm: { from: ['open', 'needs_visit'], to: 'confirmed' },
  dismiss: { from: ['open', 'needs_visit'], to: 'dismissed' },
  needs_visit: { from: ['open'], to: 'needs_visit' },
  resolve: { from: ['confirmed'], to: 'resolved' },
  reopen: { from: ['dismissed', 'resolved'], to: 'open' },
};

const ACTION_ZH: Record<ReviewAction, string> = { confirm: '确认', dismiss: '排除', needs_visit: '待走访核实', resolve: '办结', reopen: '重新打开' };
const STATUS_ZH: Record<FindingStatus, string> = { open: '待核实', confirmed: '已确认', dismissed: '已排除', needs_visit: '待走访', resolved: '已办结' };

/** `monitoringCategory`: for 监测对象认定 proposals, the category (default 突发严重困难户 for medical risk). */
export type ReviewInput = z.infer<typeof ReviewBody>;

type Evidence = Record<string, unknown>;

/** What confirming a finding of each rule does to the card (`ctx`: the review's, in its transaction `trx`). */
async function applyConsequence(
  trx: Trx,
  ctx: Ctx,
  f: q.FindingRow,
  input: ReviewInput,
): Promise<{ consequence: Record<string, unknown>; procedureId: string | null }> {
  const ev = (typeof f.evidence === 'string' ? JSON.parse(f.evidence) : f.evidence) as Evidence;
  const reason = input.reason?.trim() || `比对疑点 ${f.rule} 经核实确认`;
  const evidence = { text: f.evidence_text, references: [{ kind: 'finding' as const, id: f.id, title: f.rule }] };

  const start = async (type: StartInput['type'], payload: Record<string, unknown>) => {
    if (!f.household_id) throw new AppError('CONFLICT', 'finding.noHousehold');
    // Raised by a department's data: the procedure names the finding as its origin.
    const p = await startProcedure(ctx, { householdId: f.household_id, type, origin: '部门预警', findingId: f.id, reason, evidence, payload });
    return p.id;
  };

  /** The finding's member and household, locked, after checking the caller may change them. */
  const lockMember = async () => {
    if (!f.member_id || !f.household_id) throw new AppError('CONFLICT', 'finding.memberGone');
    const m = await q.memberForUpdate(trx, f.member_id);
    if (!m || m.deleted_at) throw new AppError('CONFLICT', 'finding.memberGone');
    const h = await q.householdForUpdate(trx, f.household_id);
    if (!h) throw new AppError('CONFLICT', 'finding.noHousehold');
    ctx.scope.assertCanWrite(h.village_code, 'member', m.id);
    return { m, h };
  };

  const memberStatus = async (personStatus: '死亡' | '迁出', date: string) => {
    const { m, h } = await lockMember();
    const before = { person_status: m.person_status, status_date: m.status_date };
    const after = { person_status: personStatus, status_date: date };
    await q.updateMember(trx, m.id, after);
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'member.status',
      entity: 'member',
      entityId: m.id,
      subjectId: h.id,
      areaCode: h.village_code,
      before,
      after,
      note: { finding: f.id, rule: f.rule },
      origin: ctx.origin,
    });
    // Nobody left on the card: the household leaves the registry through 自然减少.
    const members = await q.liveMemberStatuses(trx, h.id);
    let procedureId: string | null = null;
    if (members.every((x) => x.person_status === '死亡' || x.person_status === '迁出')) {
      const dead = members.filter((x) => x.person_status === '死亡').length;
      const reasonCode = dead === members.length ? '全户死亡' : dead === 0 ? '全户迁出' : '死亡及迁出';
      procedureId = await start('自然减少', { reasonCode, members: [] });
    }
    return { consequence: { kind: 'member.status', memberId: m.id, ...after, ...(procedureId ? { procedure: '自然减少' } : {}) }, procedureId };
  };

  const memberField = async (set: Record<string, unknown>) => {
    const { m, h } = await lockMember();
    const before = Object.fromEntries(Object.keys(set).map((k) => [k, (m as Record<string, unknown>)[k] ?? null]));
    await q.updateMember(trx, m.id, set);
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'member.update',
      entity: 'member',
      entityId: m.id,
      subjectId: h.id,
      areaCode: h.village_code,
      before,
      after: set,
      note: { finding: f.id, rule: f.rule },
      origin: ctx.origin,
    });
    return { consequence: { kind: 'member.update', memberId: m.id, ...set }, procedureId: null };
  };

  switch (f.rule) {
    case 'DECEASED':
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- evidence values are JSON scalars
      return memberStatus('死亡', String(ev.deathDate ?? ev.date ?? ''));
    case 'MOVED_OUT':
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- evidence values are JSON scalars
      return memberStatus('迁出', String(ev.date ?? ev.moveDate ?? ''));
    case 'PUBLIC_PAYROLL':
      return { consequence: { kind: 'procedure', type: '清退' }, procedureId: await start('清退', { reasonCode: '有财政供养人员' }) };
    case 'VEHICLE':
    case 'PROPERTY':
      return { consequence: { kind: 'procedure', type: '清退' }, procedureId: await start('清退', { reasonCode: '拥有商品房或车辆' }) };
    case 'BUSINESS':
      return { consequence: { kind: 'procedure', type: '清退' }, procedureId: await start('清退', { reasonCode: '经商办企业' }) };
    case 'MEDICAL_RISK': {
      const monitoringCategory = input.monitoringCategory ?? '突发严重困难户';
      const id = await start('监测对象认定', { monitoringCategory, riskTypes: ['因病'] });
      return { consequence: { kind: 'procedure', type: '监测对象认定', monitoringCategory, riskTypes: ['因病'] }, procedureId: id };
    }
    case 'STUDENT_MISMATCH': {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- evidence values are JSON scalars
      const stage = String(ev.stage ?? '');
      const schooling = { 学前: '学前教育', 小学: '小学', 初中: '初中', 高中: '高中', 中职: '中职', 高职: '高职', 大专: '大专', 本科: '本科及以上' }[stage];
      if (!schooling) throw Invalid([{ path: 'evidence.stage', key: 'field.invalid' }]);
      return memberField({ schooling });
    }
    case 'DISABILITY_MISMATCH':
      return memberField({
        health: '残疾',
        disability_category: ev.category ?? null,
        disability_grade: ev.grade ?? null,
      });
    case 'ASSISTANCE_MISMATCH': {
      if (!f.household_id) throw new AppError('CONFLICT', 'finding.noHousehold');
      const h = await q.householdForUpdate(trx, f.household_id);
      if (!h) throw new AppError('CONFLICT', 'finding.noHousehold');
      ctx.scope.assertCanWrite(h.village_code, 'household', h.id);
      // What civil affairs says decides: 特困供养 → 特困供养户, 农村低保 → 低保户, nothing → 一般户.
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- evidence values are JSON scalars
      const civil = String(ev.civilAffairs ?? '');
      const to = civil.includes('特困') ? '特困供养户' : civil.includes('低保') ? '低保户' : '一般户';
      if (to !== h.household_type) {
        await q.updateHouseholdType(trx, h.id, to);
        await recordAudit(trx, {
          actor: ctx.actor,
          action: 'household.update',
          entity: 'household',
          entityId: h.id,
          areaCode: h.village_code,
          before: { household_type: h.household_type },
          after: { household_type: to },
          note: { finding: f.id, rule: f.rule },
          origin: ctx.origin,
        });
      }
      return { consequence: { kind: 'household.update', household_type: to }, procedureId: null };
    }
    default:
      // PAYMENT_AFTER_DEATH, DUPLICATE_PERSON, SHARED_ACCOUNT, MISSED_ASSISTANCE: confirmed for follow-up
      // by the office (recover payments, merge records, visit the family); nothing changes on its own.
      return { consequence: { kind: 'none' }, procedureId: null };
  }
}

export async function reviewFinding(ctx: Ctx, id: string, input: ReviewInput) {
  return inTransaction(ctx, async (trx, tctx) => {
    const f = await q.findFinding(trx, ctx.scope, id, true);
    if (!f) throw NotFound('finding.notFound', { id });
    ctx.scope.assertCanWrite(f.village_code ?? f.county_code, 'finding', f.id);
    if (!can(ctx.scope.role, 'finding.review')) throw Forbidden();
    if (input.version !== undefined && input.version !== f.version)
      throw Conflict('finding.versionConflict', { current: f.version }, { currentVersion: f.version });
    const tr = TRANSITIONS[input.action];
    const from = f.status as FindingStatus;
    if (!tr.from.includes(from)) {
      throw Conflict('finding.badTransition', { from: STATUS_ZH[from] ?? from, action: ACTION_ZH[input.action] });
    }
    if ((input.action === 'dismiss' || input.action === 'reopen') && !input.reason?.trim()) {
      throw Invalid([{ path: 'reason', key: 'finding.reasonRequired' }]);
    }
    if (input.action === 'confirm' && !f.present) throw Conflict('finding.notPresent');
    const applied = input.action === 'confirm' ? await applyConsequence(trx, tctx, f, input) : { consequence: null, procedureId: null };
    await q.updateFindingStatus(trx, f.id, {
      status: tr.to,
      reason: input.reason?.trim() || null,
      actorId: ctx.actor.id,
      actorName: ctx.actor.name,
      consequence: applied.consequence,
      procedureId: applied.procedureId,
    });
    await recordAudit(trx, {
      actor: ctx.actor,
      action: `finding.${input.action}`,
      entity: 'finding',
      entityId: f.id,
      subjectId: f.household_id,
      areaCode: f.village_code ?? f.county_code,
      before: { status: f.status, status_reason: f.status_reason },
      after: { status: tr.to, status_reason: input.reason?.trim() || null },
      note: { rule: f.rule, consequence: applied.consequence, procedureId: applied.procedureId },
      origin: ctx.origin,
    });
    return { id: f.id, status: tr.to, consequence: applied.consequence, procedureId: applied.procedureId };
  });
}
