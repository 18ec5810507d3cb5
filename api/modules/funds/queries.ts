// SQL of the fund ledger: the only place that knows ledger_entries (and reads the project rows,
// budget lines, beneficiaries and village areas it checks against). Balances are set-based: one
// statement aggregates every entry in scope (docs/decisions/0021). Lists are filtered by the
// caller's scope (scope.sql); villageFigures is the public page's and needs none.
import { type AliasedRawBuilder, type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Insertable } from 'kysely';
import type { DbOrTrx, LedgerEntriesTable } from '../../db/schema.ts';
import type { Scope } from '../auth/scope.ts';
import type { EntryKind } from './code-lists.ts';

/** The project's row, locked for the rest of the transaction: entries of one project are posted one at a time. */
export const lockProject = (trx: DbOrTrx, id: string) =>
  trx.selectFrom('projects').select(['id', 'county_code', 'village_code', 'name', 'state', 'plan_year']).where('id', '=', id).forUpdate().executeTakeFirst();

export type ProjectRow = NonNullable<Awaited<ReturnType<typeof lockProject>>>;

/** The project's net totals per fund source and entry kind (read under the project lock). */
export const projectTotals = (db: DbOrTrx, countyCode: string, projectId: string) =>
  db
    .selectFrom('ledger_entries')
    .select(['source', 'kind', sql<number>`sum(delta_fen)::bigint`.as('net')])
    .where('county_code', '=', countyCode)
    .where('project_id', '=', projectId)
    .groupBy(['source', 'kind'])
    .execute();

/** Whether the project has a budget line for the source (an allocation needs one). */
export const hasBudgetLine = async (db: DbOrTrx, projectId: string, source: string): Promise<boolean> =>
  (await db.selectFrom('project_budget_lines').select('id').where('project_id', '=', projectId).where('source', '=', source).executeTakeFirst()) !== undefined;

/** Whether the household is one of the project's beneficiaries (by any mechanism). */
export const isBeneficiary = async (db: DbOrTrx, projectId: string, householdId: string): Promise<boolean> =>
  (await db
    .selectFrom('project_beneficiaries')
    .select('household_id')
    .where('project_id', '=', projectId)
    .where('household_id', '=', householdId)
    .limit(1)
    .executeTakeFirst()) !== undefined;

const ENTRY_COLUMNS = [
  'id',
  'county_code',
  'project_id',
  'kind',
  'source',
  'amount_fen',
  'delta_fen',
  'booked_on',
  'reversal_of',
  'reason',
  'voucher_no',
  'document_no',
  'payee',
  'household_id',
  'note',
  'created_by',
  'created_by_name',
  'created_by_role',
  'created_at',
] as const;

export const findEntry = (db: DbOrTrx, id: string) => db.selectFrom('ledger_entries').select(ENTRY_COLUMNS).where('id', '=', id).executeTakeFirst();

export type EntryRow = NonNullable<Awaited<ReturnType<typeof findEntry>>>;

/** The entry that reverses `id`, if any. */
export const reversalOf = (db: DbOrTrx, id: string) => db.selectFrom('ledger_entries').select('id').where('reversal_of', '=', id).executeTakeFirst();

/** A new entry: the table's insert type, its recording time given (the operation's clock, ctx.now). */
export type NewEntry = Insertable<LedgerEntriesTable> & { kind: EntryKind; created_at: Date };

export const insertEntry = (trx: DbOrTrx, e: NewEntry) => trx.insertInto('ledger_entries').values(e).returning(ENTRY_COLUMNS).executeTakeFirstOrThrow();

/** A project's entries in the order they were recorded (seq; scoped by the project's lead village). */
export const listProjectEntries = (db: DbOrTrx, scope: Scope, projectId: string) =>
  db
    .selectFrom('ledger_entries as e')
    .innerJoin('projects as p', 'p.id', 'e.project_id')
    .select(ENTRY_COLUMNS.map((c) => `e.${c}` as const))
    .where('e.project_id', '=', projectId)
    .where(scope.sql('p.village_code', 'p.county_code'))
    .orderBy('e.seq')
    .execute();

/** What a balance can be grouped by: any combination, or none for one total. */
export type Dimension = 'project' | 'village' | 'township' | 'county' | 'source' | 'year';

export interface BalanceFilter {
  by: readonly Dimension[];
  /** Business dates (booked_on), inclusive. */
  from?: string;
  to?: string;
  /** Plan year (年度) of the projects. */
  year?: number;
  source?: string;
  /** Narrows the scope to an area (village, township …) the scope covers. */
  areaCode?: string;
  projectId?: string;
}

/** A type, not an interface: comparable to the dynamic select's row type (its columns depend on `by`). */
export type BalanceRow = {
  project_id: string | null;
  project_name: string | null;
  village_code: string | null;
  township_code: string | null;
  county_code: string | null;
  source: string | null;
  year: number | null;
  allocated: number;
  disbursed: number;
  reimbursed: number;
  household_paid: number;
  entries: number;
};

/** Net sums of each kind from the per-project-and-source pre-aggregate `f`. */
const sums = (f: string) =>
  [
    sql<number>`coalesce(sum(${sql.ref(`${f}.allocated`)}), 0)::bigint`.as('allocated'),
    sql<number>`coalesce(sum(${sql.ref(`${f}.disbursed`)}), 0)::bigint`.as('disbursed'),
    sql<number>`coalesce(sum(${sql.ref(`${f}.reimbursed`)}), 0)::bigint`.as('reimbursed'),
    sql<number>`coalesce(sum(${sql.ref(`${f}.household_paid`)}), 0)::bigint`.as('household_paid'),
    sql<number>`coalesce(sum(${sql.ref(`${f}.entries`)}), 0)::bigint`.as('entries'),
  ] as const;

/** Net sum of one kind among the grouped entries (a reversal's delta is negative). */
const net = (kind: EntryKind) => sql<number>`coalesce(sum(e.delta_fen) filter (where e.kind = ${kind}), 0)::bigint`;

/**
 * Balances of every project and source in scope, grouped by `by` — one statement: the entries are
 * first summed per project and source (an index-only walk of ledger_entries_balance_idx, county by
 * county), then joined to their projects and summed again by the dimensions asked for.
 */
export const balances = async (db: DbOrTrx, scope: Scope, f: BalanceFilter): Promise<BalanceRow[]> => {
  const dims: Record<Dimension, { select: AliasedRawBuilder<unknown, string>[]; group: Expression<unknown>[] }> = {
    project: { select: [sql`p.id`.as('project_id'), sql`p.name`.as('project_name')], group: [sql`p.id`] },
    village: { select: [sql`p.village_code`.as('village_code')], group: [sql`p.village_code`] },
    township: { select: [sql`left(p.village_code, 9)`.as('township_code')], group: [sql`left(p.village_code, 9)`] },
    county: { select: [sql`p.county_code`.as('county_code')], group: [sql`p.county_code`] },
    source: { select: [sql`f.source`.as('source')], group: [sql`f.source`] },
    year: { select: [sql`p.plan_year`.as('year')], group: [sql`p.plan_year`] },
  };
  const chosen = [...new Set(f.by)].map((d) => dims[d]);
  const where: RawBuilder<SqlBool>[] = [scope.sql('p.village_code', 'p.county_code')];
  if (f.areaCode) where.push(sql<SqlBool>`p.village_code like ${`${f.areaCode}%`}`);
  if (f.year !== undefined) where.push(sql<SqlBool>`p.plan_year = ${f.year}`);
  let q = db
    .with('f', (w) => {
      let inner = w
        .selectFrom('ledger_entries as e')
        .select([
          'e.project_id',
          'e.source',
          net('下达').as('allocated'),
          net('拨付').as('disbursed'),
          net('报账').as('reimbursed'),
          net('到户').as('household_paid'),
          sql<number>`count(*)`.as('entries'),
        ])
        .where(scope.countySql('e.county_code'))
        .groupBy(['e.project_id', 'e.source']);
      if (f.areaCode && f.areaCode.length >= 6) inner = inner.where('e.county_code', '=', f.areaCode.slice(0, 6));
      if (f.from) inner = inner.where('e.booked_on', '>=', f.from);
      if (f.to) inner = inner.where('e.booked_on', '<=', f.to);
      if (f.source) inner = inner.where('e.source', '=', f.source);
      if (f.projectId) inner = inner.where('e.project_id', '=', f.projectId);
      return inner;
    })
    .selectFrom('f')
    .innerJoin('projects as p', 'p.id', 'f.project_id')
    .select(chosen.flatMap((d) => d.select))
    .select(sums('f'))
    .where(sql<SqlBool>`${sql.join(where, sql` and `)}`);
  const groups = chosen.flatMap((d) => d.group);
  if (groups.length) q = q.groupBy(groups);
  for (const g of groups) q = q.orderBy(g);
  // The dimensions' columns are chosen at run time: each row holds those of BalanceRow asked for.
  const rows: Partial<BalanceRow>[] = await q.execute();
  return rows as BalanceRow[];
};

/** The village, if the code is a village's, with its township's and county's names (its full name). */
export const findVillage = (db: DbOrTrx, code: string) =>
  db
    .selectFrom('areas as v')
    .leftJoin('areas as t', 't.code', 'v.parent_code')
    .leftJoin('areas as c', 'c.code', 't.parent_code')
    .select(['v.code', 'v.name', 'v.county_code', 't.name as township_name', 'c.name as county_name'])
    .where('v.code', '=', code)
    .where('v.level', '=', 'village')
    .executeTakeFirst();

/**
 * A village's figures for a period, per project and source: every project covering the village
 * that is approved (入库) or has entries in the period — with its full figures (not a share) and
 * the number of villages it covers. Projects without entries come with a null source and zeros.
 */
export const villageFigures = (db: DbOrTrx, villageCode: string, from: string, to: string, approvedStates: readonly string[]) =>
  db
    .selectFrom('project_villages as pv')
    .innerJoin('projects as p', 'p.id', 'pv.project_id')
    .leftJoin('ledger_entries as e', (j) =>
      j.onRef('e.county_code', '=', 'p.county_code').onRef('e.project_id', '=', 'p.id').on('e.booked_on', '>=', from).on('e.booked_on', '<=', to),
    )
    .select([
      'p.id',
      'p.name',
      'p.type',
      'p.state',
      'p.plan_year',
      'p.village_code as lead_village',
      sql<number>`(select count(*) from project_villages v where v.project_id = p.id)`.as('villages'),
      sql<number>`(select count(distinct b.household_id) from project_beneficiaries b where b.project_id = p.id)`.as('beneficiaries'),
      'e.source',
      net('下达').as('allocated'),
      net('拨付').as('disbursed'),
      net('报账').as('reimbursed'),
      net('到户').as('household_paid'),
      // booked_on (never null) rather than id: the count then comes from the balance index alone.
      sql<number>`count(e.booked_on)`.as('entries'),
    ])
    .where('pv.village_code', '=', villageCode)
    .groupBy(['p.id', 'e.source'])
    .having((h) => h.or([h('p.state', 'in', approvedStates), h(sql`count(e.booked_on)`, '>', 0)]))
    .orderBy('p.plan_year', 'desc')
    .orderBy('p.name')
    .orderBy('p.id')
    .orderBy('e.source')
    .execute();

/**
 * What the period's 到户 entries paid to the village's own households (net), per project and
 * household: the page's payments to each beneficiary and, summed, to the village's households.
 */
export const villageHouseholdPayments = (db: DbOrTrx, villageCode: string, from: string, to: string) =>
  db
    .selectFrom('households as h')
    .innerJoin('ledger_entries as e', 'e.household_id', 'h.id')
    .select(['e.project_id', 'e.household_id', sql<number>`sum(e.delta_fen)::bigint`.as('paid')])
    .where('h.village_code', '=', villageCode)
    .where('e.county_code', '=', villageCode.slice(0, 6))
    .where('e.kind', '=', '到户')
    .where('e.booked_on', '>=', from)
    .where('e.booked_on', '<=', to)
    .groupBy(['e.project_id', 'e.household_id'])
    .execute();

/**
 * The beneficiaries (带贫益贫) living in the village of every project covering it: one row per
 * household and mechanism. Head names only: the caller masks them; no number of the household
 * leaves here (what they were paid comes from villageHouseholdPayments).
 */
export const villageBeneficiaries = (db: DbOrTrx, villageCode: string) =>
  db
    .selectFrom('project_villages as pv')
    .innerJoin('project_beneficiaries as b', 'b.project_id', 'pv.project_id')
    .innerJoin('households as h', 'h.id', 'b.household_id')
    .select(['b.project_id', 'b.household_id', 'h.head_name', 'b.mechanism'])
    .where('pv.village_code', '=', villageCode)
    .where('h.village_code', '=', villageCode)
    .orderBy('b.project_id')
    .orderBy('h.household_no')
    .orderBy('b.mechanism')
    .execute();

/** When each project covering the village entered 公告公示 (the county's approval step): its public notices. */
export const villageNotices = (db: DbOrTrx, villageCode: string) =>
  db
    .selectFrom('project_villages as pv')
    .innerJoin('project_steps as s', 's.project_id', 'pv.project_id')
    .select(['s.project_id', 's.at'])
    .where('pv.village_code', '=', villageCode)
    .where('s.from_state', '=', '县级审定')
    .where('s.to_state', '=', '公告公示')
    .orderBy('s.at', 'desc')
    .orderBy('s.project_id')
    .execute();

export interface EntryFilter {
  projectId?: string;
  /** The project's lead village (its own area). */
  villageCode?: string;
  source?: string;
  kind?: EntryKind;
  /** Business dates (booked_on), inclusive. */
  from?: string;
  to?: string;
}

/** The scope and the filter as one WHERE over ledger_entries e joined to its project p. */
function entryWhere(scope: Scope, f: EntryFilter): RawBuilder<SqlBool> {
  const where: RawBuilder<SqlBool>[] = [scope.countySql('e.county_code'), scope.sql('p.village_code', 'p.county_code')];
  if (f.projectId) where.push(sql<SqlBool>`e.project_id = ${f.projectId}`);
  if (f.villageCode) where.push(sql<SqlBool>`e.county_code = ${f.villageCode.slice(0, 6)} and p.village_code = ${f.villageCode}`);
  if (f.source) where.push(sql<SqlBool>`e.source = ${f.source}`);
  if (f.kind) where.push(sql<SqlBool>`e.kind = ${f.kind}`);
  if (f.from) where.push(sql<SqlBool>`e.booked_on >= ${f.from}`);
  if (f.to) where.push(sql<SqlBool>`e.booked_on <= ${f.to}`);
  return sql<SqlBool>`${sql.join(where, sql` and `)}`;
}

/** How many entries in scope match the filter. */
export const countEntries = async (db: DbOrTrx, scope: Scope, f: EntryFilter): Promise<number> =>
  Number(
    (
      await db
        .selectFrom('ledger_entries as e')
        .innerJoin('projects as p', 'p.id', 'e.project_id')
        .select(sql<number>`count(*)`.as('n'))
        .where(entryWhere(scope, f))
        .executeTakeFirstOrThrow()
    ).n,
  );

/**
 * A page of the ledger in scope, newest business date first (then the latest recorded), with the
 * project's name and lead village and the paid household's head name and village (to mask by).
 */
export const listEntries = (db: DbOrTrx, scope: Scope, f: EntryFilter, page: { limit: number; offset: number }) =>
  db
    .selectFrom('ledger_entries as e')
    .innerJoin('projects as p', 'p.id', 'e.project_id')
    .leftJoin('households as h', 'h.id', 'e.household_id')
    .select(ENTRY_COLUMNS.map((c) => `e.${c}` as const))
    .select(['p.name as project_name', 'p.village_code as project_village', 'h.head_name as household_name', 'h.village_code as household_village'])
    .where(entryWhere(scope, f))
    .orderBy('e.booked_on', 'desc')
    .orderBy('e.seq', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();

export type EntryListRow = Awaited<ReturnType<typeof listEntries>>[number];
