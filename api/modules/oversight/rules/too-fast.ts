// TOO_FAST (low) — 过快件: a sign-off (approve) less than `minSignoffMinutes` after the step before
// it, in a project's approval chain or in a household procedure's sign-off chain (村级评议 …
// 县级审定). One alert per step.
import { sql } from 'kysely';
import { cnDate, type OversightRule } from './types.ts';

const minutes = (a: string, b: string) => sql`round(extract(epoch from (${sql.ref(a)} - ${sql.ref(b)})) / 60.0, 1)`;

export const tooFast: OversightRule = {
  code: 'TOO_FAST',
  severity: 'low',
  title: '过快件：审批环节间隔过短',
  candidates: (ctx) => sql`
    select 'project_step' as subject_kind, 'project_step:' || s.id as subject_key, p.village_code, p.id as project_id,
      null::uuid as ledger_entry_id, s.id as project_step_id, null::uuid as procedure_id, null::uuid as procedure_step_id,
      jsonb_build_object('chain', 'project', 'project', p.name, 'stage', s.from_state, 'actorName', s.actor_name, 'actorRole', s.actor_role,
        'at', s.at, 'previousAt', prev.at, 'minutes', ${minutes('s.at', 'prev.at')}, 'minimumMinutes', ${ctx.thresholds.minSignoffMinutes}::int) as evidence,
      format('项目「%s」的“%s”环节由%s在上一环节后%s分钟即审批通过（最短应间隔%s分钟）。', p.name, s.from_state, s.actor_name,
        ${minutes('s.at', 'prev.at')}, ${ctx.thresholds.minSignoffMinutes}::int) as evidence_text
    from project_steps s
    join project_steps prev on prev.project_id = s.project_id and prev.seq = s.seq - 1
    join projects p on p.id = s.project_id
    where s.county_code = ${ctx.countyCode} and s.action = 'approve' and ${cnDate(sql`s.at`)} <= ${ctx.asOf}::date
      and s.at - prev.at < make_interval(mins => ${ctx.thresholds.minSignoffMinutes}::int)
    union all
    select 'procedure_step', 'procedure_step:' || s.id, pr.village_code, null::uuid, null::uuid, null::uuid, pr.id, s.id,
      jsonb_build_object('chain', 'procedure', 'procedureType', pr.type, 'householdNo', h.household_no, 'stage', s.stage, 'actorName', s.actor_name,
        'actorRole', s.actor_role, 'at', s.at, 'previousAt', prev.at, 'minutes', ${minutes('s.at', 'prev.at')}, 'minimumMinutes', ${ctx.thresholds.minSignoffMinutes}::int),
      format('户%s的“%s”程序“%s”环节由%s在上一环节后%s分钟即审批通过（最短应间隔%s分钟）。', h.household_no, pr.type, s.stage, s.actor_name,
        ${minutes('s.at', 'prev.at')}, ${ctx.thresholds.minSignoffMinutes}::int)
    from procedure_steps s
    join procedure_steps prev on prev.procedure_id = s.procedure_id and prev.seq = s.seq - 1
    join procedures pr on pr.id = s.procedure_id
    join households h on h.id = pr.household_id
    where s.county_code = ${ctx.countyCode} and s.action = 'approve' and pr.deleted_at is null and ${cnDate(sql`s.at`)} <= ${ctx.asOf}::date
      and s.at - prev.at < make_interval(mins => ${ctx.thresholds.minSignoffMinutes}::int)`,
};
