// The permission table itself: well-formed, read-only roles change nothing, and the few rules the
// issue named (the admin starts no procedure; 纪检监察 reads personal data but writes nothing).
import { describe, expect, it } from 'vitest';
import { can, COUNTY_MANAGED_ROLES, PERMISSION_NAMES, PERMISSIONS, type Permission, permissionsOf, signoff } from './permissions.ts';
import { ROLES, type Role } from './roles.ts';
import { actionsFrom, CHAIN, PROJECT_STATES, REVIEW_STAGES } from './project-chain.ts';
import { STAGES } from './state-machine.ts';

/** The permissions that only read (everything else changes data). */
const READING: readonly Permission[] = [
  'personal.reveal',
  'personal.health',
  'export.unmasked',
  'project.read',
  'funds.read',
  'oversight.read',
  'oversight.readComments',
  'sms.roster.read',
  'sms.read',
];
/** What the inspector writes is the oversight record itself (comments, alerts), never the data it oversees. */
const OVERSIGHT_RECORD: readonly Permission[] = ['oversight.comment', 'oversight.alert', 'oversight.run'];

describe('the permission table', () => {
  it('names only known roles, each once, and no permission is empty', () => {
    for (const p of PERMISSION_NAMES) {
      const roles = PERMISSIONS[p] as readonly string[];
      expect(roles.length, p).toBeGreaterThan(0);
      expect(new Set(roles).size, p).toBe(roles.length);
      for (const r of roles) expect(ROLES as readonly string[], p).toContain(r);
    }
  });

  it('gives read-only roles no permission that changes data', () => {
    const readOnly = ROLES.filter((r) => !can(r, 'data.write'));
    expect(readOnly.sort()).toEqual(['inspector', 'prefecture_official', 'province_official', 'village_supervisor']);
    for (const p of PERMISSION_NAMES.filter((n) => !READING.includes(n))) {
      for (const r of readOnly) expect(can(r, p), `${r} ${p}`).toBe(OVERSIGHT_RECORD.includes(p) && r === 'inspector');
    }
  });

  it('splits oversight as issue 15 says: the inspector raises and closes, the responsible office answers, the village supervisor reads comments', () => {
    expect(PERMISSIONS['oversight.alert']).toEqual(['inspector']);
    expect([...PERMISSIONS['oversight.answer']].sort()).toEqual(['county_official', 'township_officer']);
    expect(can('inspector', 'oversight.answer')).toBe(false);
    expect(can('inspector', 'oversight.comment')).toBe(true);
    expect(can('county_official', 'oversight.comment')).toBe(true);
    expect(can('village_supervisor', 'oversight.readComments')).toBe(true);
    expect(can('village_supervisor', 'oversight.comment')).toBe(false);
    expect(can('village_supervisor', 'oversight.read')).toBe(false);
    expect(can('village_cadre', 'oversight.read')).toBe(false);
    expect(can('admin', 'oversight.read')).toBe(false);
  });

  it('gives the prefecture and the province (备案) reading of projects and money and nothing else', () => {
    for (const r of ['prefecture_official', 'province_official'] as const) expect(permissionsOf(r), r).toEqual(['funds.read', 'project.read']);
  });

  it('lets the county office and the inspector run the oversight rules, no one else', () => {
    expect([...PERMISSIONS['oversight.run']].sort()).toEqual(['county_official', 'inspector']);
  });

  it('has a sign-off permission for every stage of the chain', () => {
    for (const stage of STAGES) expect(PERMISSIONS[signoff(stage)].length, stage).toBeGreaterThan(0);
    expect(PERMISSION_NAMES.filter((p) => p.startsWith('procedure.signoff.'))).toEqual(STAGES.map(signoff));
  });

  it('can() and permissionsOf() read the same table', () => {
    for (const role of ROLES) {
      expect(permissionsOf(role)).toEqual(PERMISSION_NAMES.filter((p) => (PERMISSIONS[p] as readonly Role[]).includes(role)));
    }
    expect(can(undefined, 'data.write')).toBe(false);
    expect(can(null, 'personal.reveal')).toBe(false);
  });

  it('keeps the rules the server enforced before the table', () => {
    // The defect of issue 20: the card offered 发起程序 to the admin, whom the server refuses.
    expect(can('admin', 'procedure.start')).toBe(false);
    expect(can('admin', 'registry.import')).toBe(true);
    expect(can('inspector', 'personal.reveal')).toBe(true);
    expect(can('admin', 'personal.reveal')).toBe(false);
    expect(can('township_officer', 'crosscheck.run')).toBe(false);
    expect(can('county_official', 'countySettings.edit')).toBe(true);
    expect(STAGES.map((s) => PERMISSIONS[signoff(s)])).toEqual([['village_cadre'], ['village_cadre'], ['township_officer'], ['county_official']]);
  });

  it('lets every role that oversees money read the ledger, and only the county office and townships record it', () => {
    for (const r of ROLES) expect(can(r, 'funds.read'), r).toBe(true);
    for (const p of ['funds.allocate', 'funds.spend'] as const) {
      for (const r of PERMISSIONS[p]) expect(can(r, 'funds.read'), `${r} ${p}`).toBe(true);
      expect(can('inspector', p)).toBe(false);
      expect(can('village_supervisor', p)).toBe(false);
      expect(can('village_cadre', p)).toBe(false);
    }
    expect(PERMISSIONS['funds.allocate']).toEqual(['county_official', 'admin']);
    expect(can('township_officer', 'funds.spend')).toBe(true);
  });

  it('lets the county office manage only the roles below it, and only managers manage', () => {
    for (const r of COUNTY_MANAGED_ROLES) expect(can(r, 'accounts.manage'), r).toBe(false);
    for (const r of PERMISSIONS['accounts.manageAll']) expect(can(r, 'accounts.manage'), r).toBe(true);
    expect(COUNTY_MANAGED_ROLES).not.toContain('inspector');
  });

  it('gives the project chain to the roles the domain names, every role reads projects, and the admin acts on no step', () => {
    expect(PERMISSIONS['project.read']).toEqual(ROLES);
    expect(PERMISSIONS['project.submit']).toEqual(['village_cadre']);
    expect(PERMISSIONS['project.withdraw']).toEqual(['village_cadre']);
    expect(REVIEW_STAGES.map((s) => PERMISSIONS[`project.review.${s}`])).toEqual([['township_officer'], ['county_official']]);
    expect(PERMISSIONS['project.notice']).toEqual(['county_official']);
    expect(PERMISSIONS['project.implement']).toEqual(['township_officer']);
    expect(PERMISSIONS['project.accept']).toEqual(['township_officer', 'county_official']);
    expect(PERMISSIONS['project.handover']).toEqual(['county_official']);
    expect(PERMISSIONS['project.evaluate']).toEqual(['county_official']);
    for (const state of PROJECT_STATES) {
      for (const action of actionsFrom(state)) {
        const p = CHAIN[state][action]?.permission as Permission;
        expect(PERMISSION_NAMES, `${state} ${action}`).toContain(p);
        expect(can('admin', p), `${state} ${action}`).toBe(false);
        expect(can('inspector', p) || can('village_supervisor', p), `${state} ${action}`).toBe(false);
      }
    }
    expect(can('admin', 'project.create')).toBe(false);
  });
});
