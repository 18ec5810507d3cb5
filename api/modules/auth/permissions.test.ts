// The permission table (api/shared/permissions.ts) decides both sides: /api/auth/me hands every
// role exactly its row of the table (the web shows what that list allows), and the server refuses
// a role without the permission — at the route guard (requirePermission) and in the domain (can).
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../../seeds/demo-accounts.ts';
import { t } from '../../http/messages.ts';
import { can, PERMISSION_NAMES, permissionsOf } from '../../shared/permissions.ts';
import { ROLES } from '../../shared/roles.ts';
import { createHousehold } from '../../test/factories.ts';
import { type Agent, bodyOf, loginAs } from '../../test/http.ts';

const BAOJIA = '522324101209';
/** One demo account of each role (the demo covers all six). */
const ONE_PER_ROLE = ROLES.map((role) => {
  const a = DEMO_ACCOUNTS.find((d) => d.role === role);
  if (!a) throw new Error(`no demo account with role ${role}`);
  return a;
});

interface ErrorBody {
  error: { code: string; message: string };
}

describe('the permission table decides the server and what the web is told', () => {
  it('/api/auth/me returns each role’s permissions exactly as the table lists them', async () => {
    for (const a of ONE_PER_ROLE) {
      const agent = await loginAs(a.username);
      const me = await bodyOf(await agent.api.auth.me.$get(), 200);
      expect(me.account.role).toBe(a.role);
      expect(me.account.can, a.username).toEqual(permissionsOf(a.role));
      for (const p of PERMISSION_NAMES) expect(me.account.can.includes(p), `${a.username} ${p}`).toBe(can(a.role, p));
      // canWrite (kept for the web's older readers) is the table's data.write.
      expect(me.account.canWrite, a.username).toBe(can(a.role, 'data.write'));
    }
  });

  it('guarded routes refuse exactly the roles without the permission, with the route’s own message', async () => {
    for (const a of ONE_PER_ROLE) {
      const agent: Agent = await loginAs(a.username);

      // registry.import: the import list (route guard, then the domain).
      const imports = await agent.get('/api/registry/imports');
      if (can(a.role, 'registry.import')) expect(imports.status, a.username).toBe(200);
      else {
        expect(imports.status, a.username).toBe(403);
        expect(((await imports.json()) as ErrorBody).error.message).toBe(t('zh-CN', 'registry.roleCannotImport'));
      }

      // crosscheck.run: the guard runs before the body is validated, so a malformed date tells
      // the allowed (400) from the refused (403) without running the check.
      const run = await agent.post('/api/crosscheck/runs', { asOf: 'not-a-date' });
      if (can(a.role, 'crosscheck.run')) expect(run.status, a.username).toBe(400);
      else {
        expect(run.status, a.username).toBe(403);
        expect(((await run.json()) as ErrorBody).error.message).toBe(t('zh-CN', 'crosscheck.roleCannotRun'));
      }

      // accounts.manage: 账号管理 (the domain decides who manages whom from the table).
      const accounts = await agent.get('/api/accounts');
      expect(accounts.status, a.username).toBe(can(a.role, 'accounts.manage') ? 200 : 403);
    }
  });

  it('procedure.start: the admin (who may write) is refused, as the card no longer offers it', async () => {
    const h = await createHousehold({ village: BAOJIA });
    const body = {
      householdId: h.id,
      type: '返贫',
      origin: '干部走访',
      reason: '返贫：入户核实',
      evidence: { text: '走访核实' },
      payload: { mainCause: '因灾' },
    };
    const admin = await loginAs('admin');
    const refused = await admin.post('/api/procedures', body);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error.message).toBe(t('zh-CN', 'procedure.cannotStart'));
    expect(can('admin', 'procedure.start')).toBe(false);

    const cadre = await loginAs('baojia_cadre');
    expect((await cadre.post('/api/procedures', body)).status).toBe(201);
  });
});
