// The project chain as a table: every state's actions, where they lead, the reasons required, and
// that every stage can be left forward to 已完成.
import { describe, expect, it } from 'vitest';
import {
  actionsFrom,
  chainStep,
  END_STATES,
  forwardAction,
  PROJECT_STAGES,
  PROJECT_STATES,
  permissionFor,
  type ProjectState,
  statesWaitingFor,
} from './project-chain.ts';
import { can } from './permissions.ts';

describe('the project chain', () => {
  it('walks 村申报 → … → 已完成 by the forward actions', () => {
    const path: string[] = ['村申报'];
    let s: ProjectState = PROJECT_STATES[0];
    for (let i = 0; i < 20 && !END_STATES.includes(s); i++) {
      s = chainStep(s, forwardAction(s) ?? 'approve')?.to ?? s;
      path.push(s);
    }
    expect(path).toEqual([...PROJECT_STAGES, '已完成']);
  });

  it('allows return and reject (with a reason) only at the review steps, withdraw only before approval', () => {
    for (const s of PROJECT_STATES) {
      const a = actionsFrom(s);
      expect(a.includes('return'), s).toBe(s === '乡镇审核' || s === '县级审定');
      expect(a.includes('reject'), s).toBe(s === '乡镇审核' || s === '县级审定');
      expect(a.includes('withdraw'), s).toBe(s === '村申报' || s === '乡镇审核' || s === '县级审定');
      expect(a.includes('object') && a.includes('answer'), s).toBe(s === '公告公示');
      expect(a.includes('progress'), s).toBe(s === '实施');
    }
    expect(chainStep('乡镇审核', 'return')).toEqual({ to: '村申报', permission: 'project.review.乡镇审核', noteRequired: true });
    expect(chainStep('县级审定', 'reject')).toEqual({ to: '已驳回', permission: 'project.review.县级审定', noteRequired: true });
    expect(chainStep('县级审定', 'withdraw')?.to).toBe('已撤回');
    expect(chainStep('公告公示', 'submit')).toBeUndefined();
    for (const s of END_STATES) expect(actionsFrom(s)).toEqual([]);
  });

  it('names the permission of each step, and each role’s queue follows from the table', () => {
    expect(permissionFor('村申报', 'submit')).toBe('project.submit');
    expect(permissionFor('验收', 'approve')).toBe('project.accept');
    expect(permissionFor('实施', 'progress')).toBe('project.implement');
    expect(statesWaitingFor((p) => can('county_official', p))).toEqual(['县级审定', '公告公示', '验收', '资产移交', '绩效评价']);
    expect(statesWaitingFor((p) => can('township_officer', p))).toEqual(['乡镇审核', '实施', '验收']);
    expect(statesWaitingFor((p) => can('village_cadre', p))).toEqual(['村申报']);
    expect(statesWaitingFor((p) => can('inspector', p))).toEqual([]);
  });
});
