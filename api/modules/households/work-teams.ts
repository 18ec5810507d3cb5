// Village work teams (驻村工作队): listed in the caller's area, created and edited (versioned) by those
// who may write to the village, audited with the village as area.
import type { z } from '@hono/zod-openapi';
import type { Selectable } from 'kysely';
import { type Ctx, inTransaction } from '../../context.ts';
import type { WorkTeamsTable } from '../../db/schema.ts';
import { Conflict, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import { staleRecord } from './households.ts';
import * as q from './queries.ts';
import { pick, strip } from './record-columns.ts';
import type { WorkTeamCreate, WorkTeamPatch } from './schema/index.ts';
import { workTeamView } from './views.ts';

// ── Work teams (驻村工作队, per village) ──────────────────────────────────────────────────────
export async function listWorkTeams({ db, scope }: Ctx, village?: string) {
  if (village) scope.assertCovers(village);
  return { items: (await q.listWorkTeams(db, scope, village)).map(workTeamView) };
}

const TEAM_COLUMNS = {
  name: 'name',
  dispatchingUnit: 'dispatching_unit',
  firstSecretary: 'first_secretary',
  members: 'members',
  fromDate: 'from_date',
  toDate: 'to_date',
};

export async function createWorkTeam(ctx: Ctx, input: z.infer<typeof WorkTeamCreate>) {
  ctx.scope.assertCanWrite(input.villageCode, 'work_team', input.id ?? input.villageCode);
  return inTransaction(ctx, async (trx) => {
    const village = await q.findArea(trx, input.villageCode);
    if (!village || village.level !== 'village') throw Invalid([{ path: 'villageCode', key: 'workTeam.notVillage' }]);
    if (input.id && (await q.idExists(trx, 'work_teams', input.id))) throw Conflict('record.idTaken', { id: input.id });
    const row = await q.insertRecord(trx, 'work_teams', {
      ...(input.id ? { id: input.id } : {}),
      ...pick(input, TEAM_COLUMNS),
      village_code: village.code,
      county_code: village.county_code ?? village.code.slice(0, 6),
    });
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'work_team.create',
      entity: 'work_team',
      entityId: String(row.id),
      areaCode: village.code,
      after: strip(row),
      origin: ctx.origin,
    });
    return workTeamView(row as Selectable<WorkTeamsTable>);
  });
}

export async function updateWorkTeam(ctx: Ctx, id: string, patch: z.infer<typeof WorkTeamPatch>) {
  return inTransaction(ctx, async (trx) => {
    const before = await q.findWorkTeam(trx, id);
    if (!before) throw NotFound('workTeam.notFound');
    ctx.scope.assertCanWrite(before.village_code, 'work_team', id);
    if (before.version !== patch.version) throw staleRecord(before.version);
    const cols = pick(patch, TEAM_COLUMNS);
    const from = cols.from_date !== undefined ? cols.from_date : before.from_date;
    const to = cols.to_date !== undefined ? cols.to_date : before.to_date;
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- date texts or Dates (unknown narrowed to {})
    if (from && to && String(to) < String(from)) throw Invalid([{ path: 'toDate', key: 'field.dateOrder' }]);
    const after = await q.updateVersioned(trx, 'work_teams', id, patch.version, cols);
    if (!after) throw staleRecord(before.version);
    await recordAudit(trx, {
      actor: ctx.actor,
      action: 'work_team.update',
      entity: 'work_team',
      entityId: id,
      areaCode: before.village_code,
      before: strip(before),
      after: strip(after),
      origin: ctx.origin,
    });
    return workTeamView(after as Selectable<WorkTeamsTable>);
  });
}
