// The approval chain's role × step matrix against a real database (both backends): every role of
// the village, its township and its county tries every action at every state. The chain's steps
// that the role's permission allows succeed (one step row and one audit entry each, the state as
// the chain says); the chain's steps of other roles are refused with 403; actions the chain does
// not have from the state are refused with 409 naming the allowed ones. Refusals write nothing.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { can } from '../../shared/permissions.ts';
import { actionsFrom, chainStep, PROJECT_STATES, type ProjectState, STEP_ACTIONS, type StepAction } from '../../shared/project-chain.ts';
import { ROLES } from '../../shared/roles.ts';
import { getTestDb } from '../../test/db.ts';
import { newProject, roleCtx } from '../../test/factories.ts';
import { step, type StepInput } from './projects.ts';

const BAOJIA = '522324101209';
const DAY = 24 * 60 * 60 * 1000;
/** Every attempt happens after any notice the factory started has run its 10 days. */
const LATER = new Date(Date.now() + 11 * DAY);
let db: Db;

beforeAll(async () => {
  db = (await getTestDb()).db;
});

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal, but the step was taken');
}

async function written(projectId: string) {
  const p = await db.selectFrom('projects').select(['state', 'version']).where('id', '=', projectId).executeTakeFirstOrThrow();
  const steps = await db
    .selectFrom('project_steps')
    .select(sql<number>`count(*)`.as('n'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  const audit = await db
    .selectFrom('audit_log')
    .select(sql<number>`count(*)`.as('n'))
    .where('subject_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return { ...p, steps: Number(steps.n), audit: Number(audit.n) };
}

const ASSET = { name: '产业路', kind: '公益性' as const, valueYuan: '80000', owner: '保家村村民委员会', manager: '保家村村民委员会' };
const input = (state: ProjectState, action: StepAction, objectionId = '01900000-0000-7000-8000-000000000001'): StepInput => ({
  action,
  note: `${action} 测试`,
  ...(action === 'answer' ? { objectionId } : {}),
  ...(state === '资产移交' && action === 'approve' ? { assets: [ASSET] } : {}),
});

describe('the chain: every role at every state and action', () => {
  for (const state of PROJECT_STATES) {
    it(`${state}: allowed steps succeed, other roles get 403, illegal actions 409 with the allowed list`, async () => {
      const base = await newProject({ atState: state });
      const before = await written(base.id);
      expect(before.state).toBe(state);
      let successes = 0;
      for (const action of STEP_ACTIONS) {
        const legal = chainStep(state, action);
        for (const role of ROLES) {
          const ctx = roleCtx(db, BAOJIA, role, LATER);
          if (!legal) {
            const e = await refusal(step(ctx, base.id, input(state, action)));
            expect(e.code, `${state} ${action} ${role}`).toBe('CONFLICT');
            expect(e.key).toBe('project.illegalStep');
            expect(e.details.allowed, `${state} ${action}`).toEqual(actionsFrom(state));
          } else if (!can(role, legal.permission)) {
            const e = await refusal(step(ctx, base.id, input(state, action)));
            expect(e.code, `${state} ${action} ${role}`).toBe('FORBIDDEN');
          } else {
            // A project of its own, so that each allowed step starts from the state.
            const p = await newProject({ atState: state });
            let objectionId: string | undefined;
            if (action === 'answer') {
              objectionId = (await step(roleCtx(db, BAOJIA, 'county_official', LATER), p.id, { action: 'object', note: '村民反映选址占用耕地' })).stepId;
            }
            const was = await written(p.id);
            const r = await step(ctx, p.id, input(state, action, objectionId));
            expect(r.state, `${state} ${action} ${role}`).toBe(legal.to);
            const now = await written(p.id);
            expect(now).toEqual({ state: legal.to, version: was.version + 1, steps: was.steps + 1, audit: was.audit + 1 });
            const row = await db.selectFrom('project_steps').selectAll().where('id', '=', r.stepId).executeTakeFirstOrThrow();
            expect(row).toMatchObject({ action, from_state: state, to_state: legal.to, actor_role: role, note: `${action} 测试` });
            const audit = await db
              .selectFrom('audit_log')
              .select(['action', 'entity', 'area_code'])
              .where('subject_id', '=', p.id)
              .orderBy('id', 'desc')
              .executeTakeFirstOrThrow();
            expect(audit).toMatchObject({ action: `project.${action}`, entity: 'project', area_code: BAOJIA });
            successes++;
          }
        }
      }
      expect(await written(base.id)).toEqual(before);
      const expected = actionsFrom(state).reduce((n, a) => n + ROLES.filter((r) => can(r, chainStep(state, a)?.permission as never)).length, 0);
      expect(successes).toBe(expected);
    });
  }
});
