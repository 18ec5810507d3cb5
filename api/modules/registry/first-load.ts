// The registry import's direct path for a first load: cards that are new to the database, in a
// file that lists each household's rows together, are written straight into households, members
// and the audit log with COPY while the file is still being read — on PostgreSQL the database
// indexes one chunk while Node validates the next, so both cores work (docs/BENCHMARKS.md).
//
// It is only a faster way to the same result as the merge (import.ts): the moment the file asks
// for anything the direct path does not do — a card that exists, a person already registered in
// the county, an unknown village, a row error, a household whose rows are not together, a person
// listed in two households — it gives up, the transaction is rolled back, and the importer runs
// the merge from the start. Column lists, values and audit entries are the merge's own.
import { CopyText, copyLine } from '../../db/bulk.ts';
import type { BulkSession } from '../../db/bulk.ts';
import type { Trx } from '../../db/schema.ts';
import { type Actor, AUDIT_COLUMNS, AuditChainWriter, chainOf } from '../audit/audit.ts';
import { uuidv7 } from '../../shared/uuid7.ts';
import { HEAD_RELATION } from '../households/code-lists.ts';
import * as q from './queries.ts';
import { nameInitials } from '../../shared/pinyin.ts';
import type { ColumnKey, StagedRow } from './rows.ts';

/** Thrown inside the bulk session to roll the direct path back; the merge takes over. */
export class GiveUp extends Error {}

type HouseholdColumn =
  | 'village_code'
  | 'group_name'
  | 'head_name'
  | 'head_initials'
  | 'household_type'
  | 'status'
  | 'monitoring_category'
  | 'main_cause'
  | 'exit_year'
  | 'reported_income_per_capita'
  | 'phone';
type MemberColumn =
  | 'name'
  | 'name_initials'
  | 'sex'
  | 'birth_date'
  | 'relation'
  | 'ethnicity'
  | 'education'
  | 'schooling'
  | 'health'
  | 'labor_skill'
  | 'work_status'
  | 'work_months'
  | 'has_medical_insurance'
  | 'has_pension_insurance'
  | 'phone'
  | 'person_status';
type Value = string | number | boolean | null;

/** Free text without line breaks or NULs, as the merge's staging writes it (code-list values and numbers have none). */
const oneLine = (v: Value) => (typeof v === 'string' && (/[\r\n]/.test(v) || v.includes('\u0000')) ? v.replace(/[\r\n]+/g, ' ').replaceAll('\u0000', '') : v);

/** The merge's household columns (queries.ts HOUSEHOLD_FIELDS), read from the 户主 row. */
const HOUSEHOLD_VALUE: Record<HouseholdColumn, (r: StagedRow) => Value> = {
  village_code: (r) => r.villageCode,
  group_name: (r) => oneLine(r.groupName),
  head_name: (r) => oneLine(r.headName),
  head_initials: (r) => nameInitials(r.headName),
  household_type: (r) => r.householdType,
  status: (r) => r.status,
  monitoring_category: (r) => r.monitoringCategory,
  main_cause: (r) => r.mainCause,
  exit_year: (r) => r.exitYear,
  reported_income_per_capita: (r) => r.income,
  phone: (r) => r.phone,
};

/** The merge's member columns (queries.ts MEMBER_FIELDS). */
const MEMBER_VALUE: Record<MemberColumn, (r: StagedRow) => Value> = {
  name: (r) => oneLine(r.name),
  name_initials: (r) => r.nameInitials,
  sex: (r) => r.sex,
  birth_date: (r) => r.birthDate,
  relation: (r) => r.relation,
  ethnicity: (r) => r.ethnicity,
  education: (r) => r.education,
  schooling: (r) => r.schooling,
  health: (r) => r.health,
  labor_skill: (r) => r.laborSkill,
  work_status: (r) => r.workStatus,
  work_months: (r) => r.workMonths,
  has_medical_insurance: (r) => r.medical,
  has_pension_insurance: (r) => r.pension,
  phone: (r) => r.phone,
  person_status: (r) => r.personStatus,
};

interface County {
  householdNos: Set<string>;
  livePeople: Set<string>;
  villages: Set<string>;
  audit: AuditChainWriter;
}

export interface FirstLoadOptions {
  actor: Actor;
  origin?: Record<string, unknown>;
  note: Record<string, unknown>;
}

export class FirstLoader {
  /** Why the direct path gave up (null while it holds). */
  gaveUp: string | null = null;
  households = 0;
  members = 0;
  /** Time the reader waited for the database (a chunk still being written). */
  waitedMs = 0;
  private readonly counties = new Map<string, County>();
  private readonly done = new Set<string>();
  private group: StagedRow[] = [];
  private groupKey = '';
  // The next chunk's COPY text per table, as bytes.
  private readonly hText = new CopyText();
  private readonly mText = new CopyText(4 << 20);
  private readonly aText = new CopyText(4 << 20);
  /** Members in the next chunk before it is sent: small at first (the database starts sooner), then 8,192. */
  private chunkSize = 1024;
  private inFlight: Promise<unknown> = Promise.resolve();
  private readonly hCols: string[];
  /** The household columns this file writes (others keep their defaults: null in the audit card). */
  private readonly written: ReadonlySet<string>;
  private readonly hValues: ((r: StagedRow) => Value)[];
  private readonly withLocation: boolean;
  private readonly mCols: string[];
  private readonly mValues: ((r: StagedRow) => Value)[];

  constructor(
    private readonly trx: Trx,
    private readonly copyFrom: BulkSession['copyFrom'],
    present: ReadonlySet<ColumnKey>,
    private readonly o: FirstLoadOptions,
  ) {
    const h = q.householdColumns(present);
    this.withLocation = h.withLocation;
    this.hCols = ['id', 'county_code', 'household_no', ...h.fields, ...(h.withLocation ? ['location'] : [])];
    this.hValues = h.fields.map((c) => HOUSEHOLD_VALUE[c as HouseholdColumn]);
    this.written = new Set(h.fields);
    const m = q.memberColumns(present);
    this.mCols = ['id', 'household_id', 'county_code', 'household_no', 'id_number', ...m, 'registry_duplicate'];
    this.mValues = m.map((c) => MEMBER_VALUE[c as MemberColumn]);
  }

  private giveUp(reason: string) {
    this.gaveUp ??= reason;
  }

  /** One valid row, in file order. */
  async add(r: StagedRow): Promise<void> {
    const key = `${r.countyCode}|${r.householdNo}`;
    if (key !== this.groupKey) {
      this.closeGroup();
      if (this.done.has(key)) return this.giveUp('household rows apart');
      if (!this.counties.has(r.countyCode)) await this.openCounty(r.countyCode);
      this.groupKey = key;
    }
    this.group.push(r);
  }

  private async openCounty(county: string) {
    // Not while a chunk is being copied: the session has one connection.
    await this.inFlight;
    const facts = await q.countyFacts(this.trx, county);
    this.counties.set(county, { ...facts, audit: await AuditChainWriter.open(this.trx, chainOf(county)) });
  }

  private closeGroup() {
    const rows = this.group;
    if (!rows.length || this.gaveUp) return;
    this.group = [];
    this.done.add(this.groupKey);
    const first = rows[0] as StagedRow;
    const county = this.counties.get(first.countyCode) as County;
    const head = rows.find((r) => r.relation === HEAD_RELATION);
    if (!head) return this.giveUp('no 户主');
    if (county.householdNos.has(first.householdNo)) return this.giveUp('card exists');
    if (!county.villages.has(head.villageCode)) return this.giveUp('village unknown');
    if (rows.some((r) => county.livePeople.has(r.idNumber))) return this.giveUp('person registered');

    const id = uuidv7();
    const hv: Value[] = [id, head.countyCode, head.householdNo, ...this.hValues.map((f) => f(head))];
    const location = this.withLocation && head.lon !== null ? [head.lon, head.lat] : null;
    if (this.withLocation) hv.push(location ? `SRID=4326;POINT(${head.lon} ${head.lat})` : null);
    this.hText.push(copyLine(hv));
    for (const r of rows) {
      const mv: Value[] = [uuidv7(), id, r.countyCode, r.householdNo, r.idNumber];
      for (const f of this.mValues) mv.push(f(r));
      mv.push(false);
      this.mText.push(copyLine(mv));
    }
    // The entry the merge writes for a card it creates (queries.ts snapshots 'new').
    this.aText.push(
      county.audit.line({
        actor: this.o.actor,
        action: 'household.import.create',
        entity: 'household',
        entityId: id,
        subjectId: id,
        areaCode: head.villageCode,
        before: null,
        after: {
          village_code: head.villageCode,
          group_name: this.written.has('group_name') ? oneLine(head.groupName) : null,
          head_name: oneLine(head.headName),
          household_type: head.householdType,
          status: head.status,
          monitoring_category: this.written.has('monitoring_category') ? head.monitoringCategory : null,
          main_cause: this.written.has('main_cause') ? head.mainCause : null,
          exit_year: this.written.has('exit_year') ? head.exitYear : null,
          reported_income_per_capita: this.written.has('reported_income_per_capita') ? head.income : null,
          phone: this.written.has('phone') ? head.phone : null,
          location,
          deleted: false,
          member_count: rows.length,
        },
        note: this.o.note,
        origin: this.o.origin,
      }),
    );
    this.households++;
    this.members += rows.length;
  }

  /** Enough rows for a chunk (a COPY of each table per chunk): 1,024 members, doubling up to 8,192. */
  get chunkReady(): boolean {
    return this.mText.lines >= this.chunkSize;
  }

  /**
   * Sends what is ready: households first (members refer to them), then members and audit
   * entries. Waits for the previous chunk only, so the next chunk is read while this one is indexed.
   */
  async flush(): Promise<void> {
    if (this.gaveUp) return;
    const [h, m, a] = [this.hText.take(), this.mText.take(), this.aText.take()];
    this.chunkSize = Math.min(this.chunkSize * 2, 8192);
    const t = performance.now();
    await this.inFlight;
    this.waitedMs += performance.now() - t;
    if (!h.length) return;
    const copying = (async () => {
      await this.copyFrom('households', this.hCols, [h]);
      await this.copyFrom('members', this.mCols, [m]);
      await this.copyFrom('audit_log', [...AUDIT_COLUMNS], [a]);
      this.hText.recycle(h);
      this.mText.recycle(m);
      this.aText.recycle(a);
    })();
    // Kept for the next flush; a failure surfaces there or in finish() (never unhandled).
    copying.catch(() => {});
    this.inFlight = copying;
  }

  /** After the last row: the last household, the last chunk, the chain heads. */
  async finish(): Promise<void> {
    this.closeGroup();
    await this.flush();
    await this.inFlight;
    if (this.gaveUp) return;
    for (const c of this.counties.values()) await c.audit.close(this.trx);
  }

  /** Waits for a chunk in flight (before the session rolls back). */
  async settle(): Promise<void> {
    await this.inFlight.catch(() => {});
  }
}
