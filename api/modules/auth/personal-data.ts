// Personal data (绿/灰/红, domain doc "Personal data"): THE one place that grades a field and masks
// a value for an output. Every output — the card, lists, history, procedures, findings, PDFs,
// Excel/CSV exports and error details — takes its masking from here; none re-implements it.
//
//   红 red      证件号码, 联系电话, 银行账号 of households and members: masked in every plain read, for
//               every role. The only way to a full value is the audited reveal (POST …/reveal), open
//               to the roles that need personal data (mayReveal); an export may carry them unmasked
//               only when such a role asks for it explicitly, and that is audited.
//   health      健康状况, 残疾类别/等级, 病种 (also 红 in the domain doc): shown to the roles that need
//               personal data (the card shows them), withheld ("***") from the others.
//   official    a 帮扶责任人's work phone: the 明白卡 tells the household whom to call, so the roles
//               that need personal data see it in full; the others see it masked.
//   灰 grey     names: in full inside the caller's area, 张*三 outside it.
//   绿 green    everything else.
//
// A field is graded by its key path, wherever it sits: `id_number`, `idNumber`, `head_id_number`,
// `members.<uuid>.id_number` (a registry import's diff) and `note.members[0].phone` all grade by
// their last named segment; uuids and array indexes are skipped.
import type { Role } from '../../db/schema.ts';
import { parseIdNumber } from '../../shared/id-number.ts';
import { maskBankAccount, maskIdNumber, maskName, maskPhone, WITHHELD } from '../../shared/mask.ts';
import { AppError } from '../../errors.ts';
import { can } from '../../shared/permissions.ts';

export type Grade = 'red' | 'health' | 'official' | 'grey' | 'green';
/** The kinds of red value, each with its mask. */
export type RedKind = 'idNumber' | 'phone' | 'bankAccount';

/** May reveal red values (audited) and sees officials' phones in full (permission personal.reveal). */
export const mayReveal = (role: Role) => can(role, 'personal.reveal');
/** Sees health details (健康状况, 残疾, 病种) and photos of people (permission personal.health). */
export const seesHealth = (role: Role) => can(role, 'personal.health');
/** An export may carry red values unmasked for this role when asked (permission export.unmasked). */
const mayExportUnmasked = (role: Role) => can(role, 'export.unmasked');

const RED_FIELDS: Record<string, RedKind> = {
  id_number: 'idNumber',
  head_id_number: 'idNumber',
  phone: 'phone',
  mobile: 'phone',
  contact_phone: 'phone',
  bank_account: 'bankAccount',
};
const HEALTH_FIELDS = new Set(['health', 'registry_health', 'disability_category', 'disability_grade', 'disease']);
const GREY_FIELDS = new Set(['name', 'head_name', 'member_name']);
/** Records whose phone is an official's work phone, not a household's. */
const OFFICIAL_ENTITIES = new Set(['cadre', 'cadres', 'responsible_cadres']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** The named segments of a key path (`members.<uuid>.id_number`, `a[0].b`), in snake_case. */
export function keySegments(path: string): string[] {
  return path
    .split(/[.[\]]/)
    .filter((s) => s !== '' && !UUID.test(s) && !/^\d+$/.test(s))
    .map(snake);
}

/** The field a key path names (its last named segment), e.g. `id_number` for `members.<uuid>.id_number`. */
export const fieldOf = (path: string) => keySegments(path).at(-1) ?? '';

/** The grade of a field, by its key path; `entity` is the record it belongs to (e.g. 'cadre'). */
export function gradeOf(path: string, entity?: string): Grade {
  const segs = keySegments(path);
  const field = segs.at(-1) ?? '';
  if (RED_FIELDS[field]) {
    const official = RED_FIELDS[field] === 'phone' && (OFFICIAL_ENTITIES.has(entity ?? '') || segs.slice(0, -1).some((s) => OFFICIAL_ENTITIES.has(s)));
    return official ? 'official' : 'red';
  }
  if (HEALTH_FIELDS.has(field)) return 'health';
  if (GREY_FIELDS.has(field)) return 'grey';
  return 'green';
}

/** The kind of red value a key path holds (undefined when it is not red). */
export const redKindOf = (path: string, entity?: string): RedKind | undefined => (gradeOf(path, entity) === 'red' ? RED_FIELDS[fieldOf(path)] : undefined);

const RED_MASKS: Record<RedKind, (v: string) => string | null> = { idNumber: maskIdNumber, phone: maskPhone, bankAccount: maskBankAccount };

/** Who is reading, for one output. */
export interface Viewer {
  role: Role;
  /** Whether the data lies inside the viewer's area (names are grey outside it). */
  inArea?: boolean;
}

/** Options of an output: `reveal` is an export's explicit, audited request for red values unmasked. */
export interface MaskOptions {
  reveal?: boolean;
}

/** Refuses an explicit request for unmasked values from a role that may not reveal (403). */
export function assertMayReveal(role: Role, key: 'reveal.notAllowed' | 'print.revealNotAllowed' = 'print.revealNotAllowed') {
  if (!(key === 'reveal.notAllowed' ? mayReveal(role) : mayExportUnmasked(role))) throw new AppError('FORBIDDEN', key);
}

/** A scalar value of a graded field as this viewer may see it. */
export function maskValue(grade: Grade, kind: RedKind | undefined, value: unknown, viewer: Viewer, opts: MaskOptions = {}): unknown {
  if (value === null || value === undefined || value === '') return value ?? null;
  switch (grade) {
    case 'red':
      if (opts.reveal && mayExportUnmasked(viewer.role)) return value;
      return typeof value === 'string' && kind ? RED_MASKS[kind](value) : WITHHELD;
    case 'health':
      return seesHealth(viewer.role) ? value : WITHHELD;
    case 'official':
      return mayReveal(viewer.role) ? value : typeof value === 'string' ? maskPhone(value) : WITHHELD;
    case 'grey':
      return viewer.inArea === false && typeof value === 'string' ? maskName(value) : value;
    default:
      return value;
  }
}

/** One field's value (scalar, or an object/array walked below it) as this viewer may see it. */
export function maskField(path: string, value: unknown, viewer: Viewer, opts: MaskOptions & { entity?: string } = {}): unknown {
  if (value !== null && typeof value === 'object') return maskDeep(value, viewer, { ...opts, path });
  const grade = gradeOf(path, opts.entity);
  return maskValue(grade, grade === 'red' ? RED_FIELDS[fieldOf(path)] : undefined, value, viewer, opts);
}

/**
 * Any JSON value (a diff, a note, a payload) as this viewer may see it: every key at any depth is
 * graded by its key path; a red or health key with an object value is withheld whole.
 */
export function maskDeep(value: unknown, viewer: Viewer, opts: MaskOptions & { entity?: string; path?: string } = {}): unknown {
  const path = opts.path ?? '';
  if (value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) return value.map((v, i) => maskDeep(v, viewer, { ...opts, path: `${path}[${i}]` }));
  if (typeof value === 'object') {
    const grade = path ? gradeOf(path, opts.entity) : 'green';
    if ((grade === 'red' && !(opts.reveal && mayExportUnmasked(viewer.role))) || (grade === 'health' && !seesHealth(viewer.role))) return WITHHELD;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, viewer, { ...opts, path: path ? `${path}.${k}` : k });
    return out;
  }
  const grade = path ? gradeOf(path, opts.entity) : 'green';
  if (grade === 'green' && typeof value === 'string') return maskText(value, viewer, opts);
  return maskValue(grade, grade === 'red' ? RED_FIELDS[fieldOf(path)] : undefined, value, viewer, opts);
}

const DIGIT_RUN = /(?<![0-9])[0-9]{11,19}[0-9Xx]?(?![0-9A-Za-z])/g;

/**
 * Free text (notes, reasons, evidence) with any ID number or mobile number typed into it masked:
 * a 红 value does not become 绿 by being written into a note. Numbers that are neither (户编号,
 * area codes) stay as they are.
 */
export function maskText(text: string, viewer: Viewer, opts: MaskOptions = {}): string {
  if (opts.reveal && mayExportUnmasked(viewer.role)) return text;
  if (!/[0-9]{11}/.test(text)) return text;
  return text.replace(DIGIT_RUN, (run) => {
    if (run.length === 18 && parseIdNumber(run).ok) return maskIdNumber(run) ?? run;
    if (run.length === 11 && /^1[3-9][0-9]{9}$/.test(run)) return maskPhone(run) ?? run;
    return run;
  });
}

/** Maskers bound to one viewer, for outputs that build their rows field by field (card, PDFs, exports). */
export function maskerFor(viewer: Viewer, opts: MaskOptions = {}) {
  if (opts.reveal) assertMayReveal(viewer.role);
  const red = (kind: RedKind) => (v: string | null | undefined) => maskValue('red', kind, v, viewer, opts) as string | null;
  return {
    idNumber: red('idNumber'),
    phone: red('phone'),
    bankAccount: red('bankAccount'),
    health: (v: string | null | undefined) => maskValue('health', undefined, v, viewer) as string | null,
    officialPhone: (v: string | null | undefined) => maskValue('official', undefined, v, viewer) as string | null,
    /** A name in area `inArea` (灰). */
    name: (v: string | null | undefined, inArea = viewer.inArea ?? true) => maskValue('grey', undefined, v, { ...viewer, inArea }) as string | null,
    text: (v: string | null | undefined) => (v == null ? null : maskText(v, viewer, opts)),
    viewer,
    /** Whether health details are shown (others get null/withheld fields). */
    seesHealth: seesHealth(viewer.role),
    /** Whether red values are shown unmasked (an explicit, audited export). */
    revealed: !!opts.reveal,
  };
}
export type Masker = ReturnType<typeof maskerFor>;
