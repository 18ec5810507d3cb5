// Oversight's domain (docs/domain/projects-funds.md "Public disclosure and oversight";
// docs/domain/oversight-rules.md): the inspector raises alerts by hand and closes them, the
// responsible office (县扶贫办, 乡镇) answers them, the inspector and the officials comment on
// projects and their ledger entries; the rule runs are in run.ts. Who may is the permission table;
// where, the account's scope (by the subject's area). Every write is audited in its transaction,
// with the project as the subject where there is one (the project's history).
import { createHash } from 'node:crypto';
import { type Ctx, inTransaction } from '../../context.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts';
import { can, type Permission } from '../../shared/permissions.ts';
import type { MessageKey } from '../../http/messages.ts';
import { recordAudit } from '../audit/audit.ts';
import * as q from './queries.ts';
import type { AlertQueryInput, AnswerInput, CloseInput, CommentInput, RaiseAlertInput } from './schema.ts';

function assertMay(ctx: Ctx, permission: Permission, key: MessageKey) {
  if (!can(ctx.scope.role, permission)) throw Forbidden(key);
}

/** The alerts in the caller's area, oldest first. */
export async function listAlerts(ctx: Ctx, f: AlertQueryInput): Promise<q.AlertRow[]> {
  assertMay(ctx, 'oversight.read', 'oversight.roleCannotRead');
  if (f.area) ctx.scope.assertCovers(f.area);
  return q.listAlerts(ctx.db, ctx.scope, { status: f.status, rule: f.rule, projectId: f.projectId, area: f.area, limit: f.limit, offset: f.offset });
}

/** The project (404) in the caller's area (403, audited). */
async function projectInScope(ctx: Ctx, id: string) {
  const p = await q.findProject(ctx.db, id);
  if (!p) throw NotFound('oversight.projectNotFound', { id });
  ctx.scope.assertCovers(p.village_code, 'project', p.id);
  return p;
}

/** An inspector's alert on a project or one ledger entry. */
export async function raiseAlert(ctx: Ctx, input: RaiseAlertInput): Promise<q.AlertRow> {
  assertMay(ctx, 'oversight.alert', 'oversight.roleCannotAlert');
  if (!input.projectId === !input.ledgerEntryId) throw Invalid([{ path: 'projectId', key: 'oversight.subjectOne' }]);
  return inTransaction(ctx, async (trx, ctx) => {
    let projectId = input.projectId as string;
    if (input.ledgerEntryId) {
      const e = await q.findEntry(trx, input.ledgerEntryId);
      if (!e) throw NotFound('oversight.entryNotFound', { id: input.ledgerEntryId });
      projectId = e.project_id;
    }
    const project = await projectInScope(ctx, projectId);
    const text = input.text.trim();
    const { id } = await q.insertManualAlert(trx, {
      countyCode: project.county_code,
      villageCode: project.village_code,
      severity: input.severity ?? 'medium',
      subjectKind: input.ledgerEntryId ? 'ledger_entry' : 'project',
      projectId: project.id,
      ledgerEntryId: input.ledgerEntryId ?? null,
      evidence: { project: project.name },
      evidenceText: text,
      evidenceHash: createHash('sha256').update(text).digest('hex'),
      raisedBy: ctx.actor.id,
      raisedByName: ctx.actor.name,
      at: ctx.now,
    });
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'oversight.alert.raise',
      entity: 'oversight_alert',
      entityId: id,
      subjectId: project.id,
      areaCode: project.village_code,
      after: { rule: 'manual', severity: input.severity ?? 'medium', projectId: project.id, ledgerEntryId: input.ledgerEntryId ?? null, text },
      origin: ctx.origin,
    });
    return (await q.lockAlert(trx, id)) as q.AlertRow;
  });
}

/** The alert (404), locked, in the caller's area. */
async function lockedAlert(ctx: Ctx, id: string, kind: 'read' | 'write') {
  const a = await q.lockAlert(ctx.db, id);
  if (!a) throw NotFound('oversight.alertNotFound', { id });
  if (kind === 'write') ctx.scope.assertCanWrite(a.village_code, 'oversight_alert', a.id);
  else ctx.scope.assertCovers(a.village_code, 'oversight_alert', a.id);
  return a;
}

/** The responsible office's answer to an open alert. */
export async function answerAlert(ctx: Ctx, id: string, input: AnswerInput): Promise<q.AlertRow> {
  assertMay(ctx, 'oversight.answer', 'oversight.roleCannotAnswer');
  return inTransaction(ctx, async (trx, ctx) => {
    const a = await lockedAlert(ctx, id, 'write');
    if (a.status !== 'open') throw Conflict('oversight.notOpen', { status: a.status === 'closed' ? '关闭' : '答复' });
    const answer = input.answer.trim();
    await q.answerAlert(trx, id, { answer, by: ctx.actor.id, byName: ctx.actor.name, byRole: ctx.actor.role, at: ctx.now });
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'oversight.alert.answer',
      entity: 'oversight_alert',
      entityId: id,
      subjectId: a.project_id,
      areaCode: a.village_code,
      before: { status: a.status },
      after: { status: 'answered', answer },
      origin: ctx.origin,
    });
    return (await q.lockAlert(trx, id)) as q.AlertRow;
  });
}

/** The inspector closes an alert (answered, or open when it was raised in error), with a note. */
export async function closeAlert(ctx: Ctx, id: string, input: CloseInput): Promise<q.AlertRow> {
  assertMay(ctx, 'oversight.alert', 'oversight.roleCannotAlert');
  return inTransaction(ctx, async (trx, ctx) => {
    const a = await lockedAlert(ctx, id, 'read');
    if (a.status === 'closed') throw Conflict('oversight.alreadyClosed');
    const note = input.note.trim();
    await q.closeAlert(trx, id, { note, by: ctx.actor.id, byName: ctx.actor.name, at: ctx.now });
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'oversight.alert.close',
      entity: 'oversight_alert',
      entityId: id,
      subjectId: a.project_id,
      areaCode: a.village_code,
      before: { status: a.status },
      after: { status: 'closed', note },
      origin: ctx.origin,
    });
    return (await q.lockAlert(trx, id)) as q.AlertRow;
  });
}

/** A project's comments, oldest first. */
export async function listComments(ctx: Ctx, projectId: string): Promise<q.CommentRow[]> {
  assertMay(ctx, 'oversight.readComments', 'oversight.roleCannotReadComments');
  await projectInScope(ctx, projectId);
  return q.listComments(ctx.db, projectId);
}

/** A comment on a project, or on one of its ledger entries. */
export async function addComment(ctx: Ctx, projectId: string, input: CommentInput): Promise<q.CommentRow> {
  assertMay(ctx, 'oversight.comment', 'oversight.roleCannotComment');
  return inTransaction(ctx, async (trx, ctx) => {
    const project = await projectInScope(ctx, projectId);
    if (input.ledgerEntryId) {
      const e = await q.findEntry(trx, input.ledgerEntryId);
      if (!e) throw NotFound('oversight.entryNotFound', { id: input.ledgerEntryId });
      if (e.project_id !== project.id) throw Invalid([{ path: 'ledgerEntryId', key: 'oversight.entryOfOtherProject' }]);
    }
    const text = input.text.trim();
    const row = await q.insertComment(trx, {
      projectId: project.id,
      countyCode: project.county_code,
      villageCode: project.village_code,
      ledgerEntryId: input.ledgerEntryId ?? null,
      authorId: ctx.actor.id,
      authorName: ctx.actor.name,
      authorRole: ctx.actor.role,
      text,
      at: ctx.now,
    });
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'oversight.comment',
      entity: 'project_comment',
      entityId: row.id,
      subjectId: project.id,
      areaCode: project.village_code,
      after: { text, ledgerEntryId: input.ledgerEntryId ?? null },
      origin: ctx.origin,
    });
    return row;
  });
}
