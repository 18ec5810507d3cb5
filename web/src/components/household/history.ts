// How the change history (变更历史) reads for people: field labels from the card's own labels
// (web/src/i18n — the one source of labels), code values and states translated, the members an
// entry concerns named, and registry-import keys (members.<member id>.<column>) grouped by member.
// Values arrive masked from the server; this file only words them.
import { WITHHELD } from '@shared/mask.ts';
import { codeLabel } from '../../i18n/codes.ts';
import type { Locale } from '../../i18n/index.ts';

export interface Words {
  t: (key: string, params?: Record<string, unknown>) => string;
  /** Whether `key` is a message (a string, not a group of messages). */
  has: (key: string) => boolean;
  locale: Locale;
  /** Integer fen → yuan text, and an ISO time → local text (the card's own formatters). */
  yuan: (fen: number) => string;
  dateTime: (iso: string) => string;
}

/** Columns that say nothing to a reader (bookkeeping). */
const HIDDEN = new Set(['version', 'updated_at', 'created_at', 'id', 'household_id', 'county_code', 'name_initials', 'head_initials', 'registry_duplicate']);
const MEMBER_KEY = /^members\.([0-9a-f-]{36})\.(.+)$/i;

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Where each record's field labels live in the card's messages, most specific first. */
const NAMESPACES: Record<string, string[]> = {
  member: ['member'],
  household: ['card.field', 'households', 'candidate'],
  cadre: ['cadre'],
  measure: ['measure'],
  visit: ['visit'],
  household_year: ['conditions', 'income', 'guarantee'],
  photo: ['photo'],
  work_team: ['card'],
  procedure: ['procedure'],
  finding: ['crosscheck'],
};

/** The label of one column of a record (`id_number` of a member → 证件号码), in the card's language. */
export function fieldLabel(w: Words, entity: string, field: string): string {
  if (w.has(`history.field.${entity}_${field}`)) return w.t(`history.field.${entity}_${field}`);
  if (w.has(`history.field.${field}`)) return w.t(`history.field.${field}`);
  const c = camel(field);
  if (entity === 'household_year') {
    const income = /^(.+)_income$/.exec(field);
    if (income?.[1] && w.has(`income.${camel(income[1])}`)) return w.t(`income.${camel(income[1])}`);
    const g = /^(food|clothing|education|medical|housing|water)_(secure|note)$/.exec(field);
    if (g?.[1]) return g[2] === 'note' ? `${w.t(`guarantee.${g[1]}`)} · ${w.t('guarantee.note')}` : w.t(`guarantee.${g[1]}`);
  }
  for (const ns of [...(NAMESPACES[entity] ?? []), 'member', 'card.field', 'households']) {
    if (w.has(`${ns}.${c}`)) return w.t(`${ns}.${c}`);
  }
  return field;
}

const MONEY = /(_income|_expense)$|^amount$/;

/** One value as a reader sees it: translated codes and states, yes/no, dates, money in yuan. */
export function valueText(w: Words, entity: string, field: string, v: unknown): string {
  if (v == null || v === '') return '—';
  if (v === WITHHELD) return w.t('history.withheld');
  if (typeof v === 'boolean') return v ? w.t('common.yes') : w.t('common.no');
  if (field === 'location' && Array.isArray(v) && v.length === 2) return v.map((x) => Number(x).toFixed(6)).join(', ');
  if (Array.isArray(v)) return v.length ? v.map((x) => valueText(w, entity, field, x)).join('、') : '—';
  if (field === 'evidence' && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string') return (v as { text: string }).text;
  if (typeof v === 'object') {
    // A record (a procedure's payload …): its fields in words, one after the other.
    const parts = Object.entries(v as Record<string, unknown>)
      .filter(([k, x]) => x != null && x !== '' && !HIDDEN.has(k))
      .map(([k, x]) => `${fieldLabel(w, entity, k)}：${valueText(w, entity, k, x)}`);
    return parts.length ? parts.join('；') : '—';
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a history value is a JSON scalar here (objects are handled above)
  if (field === 'status' && entity === 'procedure' && w.has(`procedure.status.${String(v)}`)) return w.t(`procedure.status.${String(v)}`);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a history value is a JSON scalar here (objects are handled above)
  if (field === 'status' && entity === 'finding' && w.has(`crosscheck.statuses.${String(v)}`)) return w.t(`crosscheck.statuses.${String(v)}`);
  if (MONEY.test(field) && (entity === 'household_year' || entity === 'measure') && !Number.isNaN(Number(v))) return `${w.yuan(Number(v))} ${w.t('unit.yuan')}`;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return w.dateTime(v);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a history value is a JSON scalar here (objects are handled above)
  return typeof v === 'string' ? codeLabel(v, w.locale) : String(v);
}

export interface ChangeRow {
  /** The diff key as the server gives it (for the audited reveal). */
  key: string;
  field: string;
  label: string;
  before: unknown;
  after: unknown;
}
/** The order the card shows fields in (a diff's keys come in the database's order, not the card's). */
const ORDER = [
  // procedure
  'type',
  'from_state',
  'to_state',
  'stage',
  'reason',
  'evidence',
  'payload',
  // household
  'household_no',
  'village_code',
  'head_name',
  'group_name',
  'address',
  'bank_name',
  'bank_account',
  'household_type',
  'identification_standard',
  'status',
  'registry_state',
  'monitoring_category',
  'identified_year',
  'exit_year',
  'main_cause',
  'other_causes',
  'risk_types',
  'reported_income_per_capita',
  'member_count',
  'location',
  'location_accuracy_m',
  'location_at',
  // member
  'name',
  'id_number',
  'relation',
  'sex',
  'birth_date',
  'ethnicity',
  'political_status',
  'education',
  'schooling',
  'health',
  'disability_category',
  'disability_grade',
  'disease',
  'labor_skill',
  'work_status',
  'work_months',
  'work_place',
  'has_medical_insurance',
  'has_serious_illness_insurance',
  'has_pension_insurance',
  'enjoys_assistance',
  'is_active_military',
  'phone',
  'person_status',
  'status_date',
  'deleted',
  'deleted_at',
];
const byCardOrder = (a: ChangeRow, b: ChangeRow) => {
  const i = (r: ChangeRow) => (ORDER.includes(r.field) ? ORDER.indexOf(r.field) : ORDER.length);
  return i(a) - i(b);
};

export interface ChangeGroup {
  /** The member these changes concern (a registry import's per-member keys), or null for the record itself. */
  memberId: string | null;
  memberName: string | null;
  /** For a member in a registry import: added by it, removed by it, or changed. */
  kind: 'added' | 'removed' | 'changed' | null;
  /** What to show per row: only the new value (a creation), only the old one (a removal), or both. */
  show: 'after' | 'before' | 'both';
  rows: ChangeRow[];
}

/** An entry's changes as labelled rows, the record's own first, then one group per member a key path names. */
export function groupChanges(w: Words, entity: string, changes: Record<string, [unknown, unknown]>, members: Record<string, string>): ChangeGroup[] {
  const own: ChangeRow[] = [];
  const byMember = new Map<string, ChangeRow[]>();
  for (const [key, [before, after]] of Object.entries(changes)) {
    const m = MEMBER_KEY.exec(key);
    const field = m?.[2] ?? key;
    if (HIDDEN.has(field) || field.startsWith('_')) continue;
    if (m?.[1]) {
      const rows = byMember.get(m[1]) ?? [];
      rows.push({ key, field, label: fieldLabel(w, 'member', field), before, after });
      byMember.set(m[1], rows);
    } else own.push({ key, field, label: fieldLabel(w, entity, field), before, after });
  }
  const showOf = (rows: ChangeRow[]) => (rows.every((r) => r.before == null) ? 'after' : rows.every((r) => r.after == null) ? 'before' : 'both');
  own.sort(byCardOrder);
  const groups: ChangeGroup[] = own.length ? [{ memberId: null, memberName: null, kind: null, show: showOf(own), rows: own }] : [];
  for (const [memberId, rows] of byMember) {
    const show = showOf(rows);
    const kind = show === 'after' ? 'added' : show === 'before' ? 'removed' : 'changed';
    groups.push({ memberId, memberName: members[memberId] ?? null, kind, show, rows: rows.sort(byCardOrder) });
  }
  return groups;
}

/** The action of an entry in words: a full action first (household.import.update), else its verb. */
export function actionText(w: Words, action: string): string {
  const full = action.replace(/\./g, '_');
  if (w.has(`history.action.${full}`)) return w.t(`history.action.${full}`);
  const verb = action.split('.').at(-1) ?? action;
  return w.has(`history.action.${verb}`) ? w.t(`history.action.${verb}`) : action;
}

/** The facts an entry's note carries (procedure type and stage, file imported, reason), in words. */
export function noteText(w: Words, note: Record<string, unknown> | null): string {
  if (!note) return '';
  const parts: string[] = [];
  for (const k of ['type', 'stage', 'action', 'note', 'reason']) {
    const v = note[k];
    if (typeof v === 'string' && v) parts.push(k === 'action' && w.has(`history.action.${v}`) ? w.t(`history.action.${v}`) : codeLabel(v, w.locale));
  }
  // A registry re-import that changed a status-graded field: the national system decided it.
  if (typeof note.decidedBy === 'string')
    parts.push(w.t('history.decidedBy', { by: codeLabel(note.decidedBy, w.locale), file: typeof note.fileName === 'string' ? note.fileName : '' }));
  else if (typeof note.fileName === 'string' && note.fileName) parts.push(w.t('history.file', { name: note.fileName }));
  if (typeof note.field === 'string' && w.has(`history.field.${note.field}`)) parts.push(w.t(`history.field.${note.field}`));
  return parts.join(' · ');
}
