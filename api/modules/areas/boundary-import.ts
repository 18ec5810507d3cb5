// Importing real township or village boundaries (`dripline areas import`, docs/domain/boundary-import.md,
// decision 0031): a GeoJSON FeatureCollection or a zipped Shapefile whose features name their area by
// its administrative code (a property, or the feature's name through a mapping table) replaces the
// synthetic outlines of those areas. All or nothing per file: every feature is checked (a known area
// of the level, inside the caller's scope, a Polygon/MultiPolygon in WGS84 within China, valid — or
// repaired by ST_MakeValid when that changes its area by less than 1 %) and one error anywhere writes
// nothing, the report naming each feature. After a clean check the outlines replace the old ones in
// one transaction with their label points and one audit entry per area; overlaps and gaps between
// neighbours of one parent are reported as warnings, never refused. A dry run checks and reports only.
import path from 'node:path';
import { isAreaCode } from '../../../gis/area-code.ts';
import { type Ctx, inTransaction } from '../../context.ts';
import type { AreaLevel } from '../../db/schema.ts';
import { recordAuditMany } from '../audit/audit.ts';
import { mapHeaders, cellReader } from '../imports/headers.ts';
import { openTable, TableReadError } from '../imports/read-table.ts';
import { type BoundaryFile, BoundaryFileError, type BoundaryFileFormat, readBoundaryFile } from './boundary-file.ts';
import * as q from './queries.ts';

export type BoundaryLevel = Extract<AreaLevel, 'township' | 'village'>;

/** A repair may change a geometry's area by less than this share; overlaps and gaps are reported above it. */
export const REPAIR_SHARE = 0.01;
export const NEIGHBOUR_SHARE = 0.01;

/** China's extent in degrees (with a margin): a coordinate outside is not WGS84 lon/lat of an area here. */
export const CHINA = { minLon: 73, maxLon: 136, minLat: 3, maxLat: 54 } as const;

/** Property names holding the area code, tried in this order (case-insensitive). */
export const CODE_FIELDS = ['code', 'xzqdm', 'qhdm', 'xzqhdm', 'adcode', 'zldwdm', 'dm', '区划代码', '行政区划代码', '代码'] as const;
/** Property names holding the feature's name (the mapping's key, and the report's). */
export const NAME_FIELDS = ['name', 'xzqmc', 'qhmc', 'zldwmc', 'cjqymc', 'mc', '名称', '村名', '乡镇名称'] as const;

export interface BoundaryImportInput {
  filePath: string;
  /** CSV or XLSX: feature name (or key) → area code. */
  mappingPath?: string | undefined;
  level?: BoundaryLevel | undefined;
  /** The property holding the code (default: the first of CODE_FIELDS present). */
  codeField?: string | undefined;
  /** The property holding the name, matched against the mapping (default: the first of NAME_FIELDS present). */
  nameField?: string | undefined;
  dryRun?: boolean | undefined;
}

export interface FeatureIssue {
  /** 1-based position of the feature in the file; null for the file itself (or a mapping row: see message). */
  index: number | null;
  code: string | null;
  name: string | null;
  message: string;
}

export type BoundaryWarning =
  | { kind: 'overlap'; codes: [string, string]; names: [string, string]; areaM2: number; share: number; message: string }
  | { kind: 'gap'; parentCode: string; neighbours: string[]; areaM2: number; at: [number, number]; message: string };

export interface BoundaryImportResult {
  ok: boolean;
  dryRun: boolean;
  fileName: string;
  format: BoundaryFileFormat | null;
  crs: string | null;
  level: BoundaryLevel | null;
  codeField: string | null;
  nameField: string | null;
  features: number;
  /** Every problem that refused the file (nothing was written when there is one). */
  errors: FeatureIssue[];
  /** Invalid geometries repaired by ST_MakeValid (area changed by less than 1 %). */
  repaired: FeatureIssue[];
  warnings: BoundaryWarning[];
  /** Areas whose outline was replaced (0 in a dry run or a refused file). */
  updated: number;
  /** The boundary_source written (or that would be). */
  source: string;
}

interface Candidate {
  index: number;
  code: string;
  name: string | null;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
}

/** Imports one file (or with dryRun only checks it). File-level problems come back as errors with index null. */
export async function importBoundaries(ctx: Ctx, input: BoundaryImportInput): Promise<BoundaryImportResult> {
  const fileName = path.basename(input.filePath);
  const result: BoundaryImportResult = {
    ok: false,
    dryRun: input.dryRun ?? false,
    fileName,
    format: null,
    crs: null,
    level: input.level ?? null,
    codeField: null,
    nameField: null,
    features: 0,
    errors: [],
    repaired: [],
    warnings: [],
    updated: 0,
    source: `import:${fileName}`,
  };
  const fileError = (message: string) => {
    result.errors.push({ index: null, code: null, name: null, message });
    return result;
  };

  let file: BoundaryFile;
  try {
    file = await readBoundaryFile(input.filePath);
  } catch (e) {
    if (e instanceof BoundaryFileError) return fileError(e.message);
    throw e;
  }
  Object.assign(result, { format: file.format, crs: file.crs, features: file.features.length });

  let mapping: Map<string, string> | undefined;
  if (input.mappingPath) {
    const m = await readMapping(input.mappingPath);
    if (m.errors.length) {
      result.errors.push(...m.errors);
      return result;
    }
    mapping = m.mapping;
  }

  for (const [flag, field] of [
    ['--code-field', input.codeField],
    ['--name-field', input.nameField],
  ] as const) {
    if (field !== undefined && !file.features.some((f) => Object.hasOwn(f.properties, field))) {
      const names = [...new Set(file.features.slice(0, 50).flatMap((f) => Object.keys(f.properties)))];
      return fileError(`${flag} ${field}: no feature has that property (they have: ${names.join(', ') || 'none'})`);
    }
  }
  const codeField = input.codeField ?? findField(file, CODE_FIELDS);
  const nameField = input.nameField ?? findField(file, NAME_FIELDS);
  result.codeField = codeField ?? null;
  result.nameField = nameField ?? null;
  if (!codeField && !mapping) {
    return fileError(`No property names the area code (tried ${CODE_FIELDS.join(', ')}): give --code-field NAME, or --mapping with names → codes`);
  }
  if (mapping && !nameField) return fileError(`--mapping needs the features' names: no property ${NAME_FIELDS.join(', ')} — give --name-field NAME`);

  // Codes, geometry types and coordinates: in JS, every feature.
  const candidates: Candidate[] = [];
  const seen = new Map<string, number>();
  for (const f of file.features) {
    const name = nameField ? textOf(f.properties[nameField]) : null;
    const issue = (code: string | null, message: string) => result.errors.push({ index: f.index, code, name, message });
    const raw = codeField ? f.properties[codeField] : undefined;
    const mapped = mapping && name !== null ? mapping.get(name) : undefined;
    let code: string | null;
    if (mapped !== undefined) code = mapped;
    else if (codeField && raw !== undefined && raw !== null && raw !== '') {
      code = normaliseCode(raw);
      if (code === null) {
        issue(textOf(raw), `${codeField} "${textOf(raw)}" is not a 9-digit township or 12-digit village code`);
        continue;
      }
    } else {
      issue(null, mapping ? `"${name ?? ''}" is not in the mapping${codeField ? `, and ${codeField} is empty` : ''}` : `${codeField} is empty`);
      continue;
    }
    const level: BoundaryLevel = code.length === 9 ? 'township' : 'village';
    result.level ??= level;
    if (level !== result.level) {
      issue(code, `${code} is a ${level} code; this import is of ${result.level === 'township' ? 'townships (9 digits)' : 'villages (12 digits)'}`);
      continue;
    }
    const earlier = seen.get(code);
    if (earlier !== undefined) {
      issue(code, `${code} is also feature #${earlier}: one feature per area (merge its parts into one MultiPolygon)`);
      continue;
    }
    seen.set(code, f.index);
    if (!ctx.scope.canWrite || !ctx.scope.covers(code)) {
      issue(code, `${code} is outside the area you may change`);
      continue;
    }
    const g = checkGeometry(f.geometry);
    if (typeof g === 'string') {
      issue(code, g);
      continue;
    }
    candidates.push({ index: f.index, code, name, geometry: g });
  }

  return inTransaction(ctx, async (trx, ctx) => {
    if (candidates.length > 0) {
      await q.stageBoundaries(
        trx,
        candidates.map((c) => ({ idx: c.index, code: c.code, geometry: JSON.stringify(c.geometry) })),
      );
      const byIndex = new Map(candidates.map((c) => [c.index, c]));
      const toRepair: number[] = [];
      for (const row of await q.checkStagedBoundaries(trx)) {
        const c = byIndex.get(row.idx) as Candidate;
        const issue = { index: c.index, code: c.code, name: c.name ?? row.name };
        if (row.level === null) {
          result.errors.push({ ...issue, message: `${c.code} is not an area in the database (load it with \`dripline areas load\`, or check the code)` });
          continue;
        }
        if (row.level !== result.level) {
          result.errors.push({ ...issue, message: `${c.code} ${row.name} is a ${row.level}, not a ${result.level}` });
          continue;
        }
        if (row.valid) continue;
        const before = row.area_before ?? 0;
        const after = row.area_after ?? 0;
        const change = before > 0 ? Math.abs(after - before) / before : Infinity;
        if (after > 0 && change < REPAIR_SHARE) {
          toRepair.push(c.index);
          result.repaired.push({ ...issue, message: `invalid (${row.reason}), repaired by ST_MakeValid: area changed by ${(change * 100).toFixed(2)} %` });
        } else {
          const by = Number.isFinite(change) ? `${(change * 100).toFixed(1)} %` : 'more than it has';
          result.errors.push({ ...issue, message: `invalid geometry: ${row.reason} (a repair would change its area by ${by}; fix the outline)` });
        }
      }
      if (result.errors.length === 0) {
        await q.repairStagedBoundaries(trx, toRepair);
        result.warnings = await neighbourWarnings(trx);
      }
    }
    result.errors.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    result.ok = result.errors.length === 0 && candidates.length > 0;
    if (!result.ok || result.dryRun) return result;

    const changes = await q.replaceBoundaries(trx, result.source);
    result.updated = changes.length;
    await recordAuditMany(
      trx,
      changes.map((c) => ({
        actor: ctx.actor,
        action: 'area.boundary.import',
        entity: 'area',
        entityId: c.code,
        areaCode: c.code,
        before: { boundary_source: c.before_source, geom_md5: c.before_md5, area_m2: roundM2(c.before_m2) },
        after: { boundary_source: result.source, geom_md5: c.after_md5, area_m2: roundM2(c.after_m2) },
        note: { file: fileName, format: result.format, feature: c.idx, repaired: c.repaired, features: result.features, warnings: result.warnings.length },
        origin: ctx.origin,
      })),
    );
    return result;
  });
}

const roundM2 = (m2: number | null) => (m2 === null ? null : Math.round(m2));

async function neighbourWarnings(trx: Ctx['db']): Promise<BoundaryWarning[]> {
  const out: BoundaryWarning[] = [];
  for (const o of await q.boundaryOverlaps(trx, NEIGHBOUR_SHARE)) {
    const share = o.overlap_m2 / o.smaller_m2;
    out.push({
      kind: 'overlap',
      codes: [o.a, o.b],
      names: [o.a_name, o.b_name],
      areaM2: Math.round(o.overlap_m2),
      share,
      message: `${o.a} ${o.a_name} and ${o.b} ${o.b_name} overlap by ${Math.round(o.overlap_m2)} m² (${(share * 100).toFixed(1)} % of the smaller)`,
    });
  }
  for (const g of await q.boundaryGaps(trx, NEIGHBOUR_SHARE)) {
    out.push({
      kind: 'gap',
      parentCode: g.parent_code,
      neighbours: g.neighbours,
      areaM2: Math.round(g.gap_m2),
      at: [Number(g.lon.toFixed(6)), Number(g.lat.toFixed(6))],
      message: `${Math.round(g.gap_m2)} m² of ${g.parent_code} ${g.parent_name} near ${g.lon.toFixed(5)},${g.lat.toFixed(5)} belongs to no area (between ${g.neighbours.join(', ')})`,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Pure parts (unit-tested through the importer)
// ---------------------------------------------------------------------------------------------

function textOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = (typeof v === 'number' ? String(v) : typeof v === 'string' ? v : JSON.stringify(v)).trim();
  return s === '' ? null : s;
}

/** The first of `names` (case-insensitive) that is a property of some feature; the file's own spelling. */
function findField(file: BoundaryFile, names: readonly string[]): string | undefined {
  const keys = new Map<string, string>();
  for (const f of file.features.slice(0, 50)) for (const k of Object.keys(f.properties)) if (!keys.has(k.toLowerCase())) keys.set(k.toLowerCase(), k);
  for (const n of names) {
    const k = keys.get(n.toLowerCase());
    if (k !== undefined) return k;
  }
  return undefined;
}

/**
 * A 9-digit township or 12-digit village code from a property: digits (a number too), and the
 * padded forms survey layers use — a township as 12 digits ending 000 (三调 XZQDM), a village as
 * 19 digits ending 0000000 (坐落单位代码). Null when it is none of these.
 */
export function normaliseCode(raw: unknown): string | null {
  const s = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  if (!/^[0-9]+$/.test(s)) return null;
  if (s.length === 19 && s.endsWith('0000000')) return normaliseCode(s.slice(0, 12));
  if (s.length === 12 && s.endsWith('000')) return s.slice(0, 9);
  return s.length === 9 || s.length === 12 ? (isAreaCode(s) ? s : null) : null;
}

/** A Polygon/MultiPolygon of [lon, lat] inside China (a height is dropped), or why not. */
export function checkGeometry(g: unknown): Candidate['geometry'] | string {
  if (g === null || g === undefined) return 'the feature has no geometry';
  const type = (g as { type?: unknown }).type;
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    return `the geometry is a ${typeof type === 'string' ? type : 'thing of no type'}: a boundary is a Polygon or MultiPolygon`;
  }
  const outside: { at: [number, number] | null } = { at: null };
  const position = (p: unknown): [number, number] | null => {
    if (!Array.isArray(p) || p.length < 2 || p.length > 4 || !p.every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
    const [lon, lat] = p as [number, number];
    if (!outside.at && (lon < CHINA.minLon || lon > CHINA.maxLon || lat < CHINA.minLat || lat > CHINA.maxLat)) outside.at = [lon, lat];
    return [lon, lat];
  };
  const ring = (r: unknown) => {
    if (!Array.isArray(r) || r.length < 4) return null;
    const out = r.map(position);
    return out.some((p) => p === null) ? null : out;
  };
  const polygon = (p: unknown) => {
    if (!Array.isArray(p) || p.length === 0) return null;
    const out = p.map(ring);
    return out.some((r) => r === null) ? null : out;
  };
  const coords = (g as { coordinates?: unknown }).coordinates;
  const c = type === 'Polygon' ? polygon(coords) : Array.isArray(coords) && coords.length > 0 ? coords.map(polygon) : null;
  if (c === null || (Array.isArray(c) && c.some((x) => x === null))) return 'malformed coordinates (each ring needs at least 4 [lon, lat] positions)';
  if (outside.at) {
    const [lon, lat] = outside.at;
    const projected = Math.abs(lon) > 180 || Math.abs(lat) > 90;
    return projected
      ? `coordinate ${lon}, ${lat} is not longitude/latitude: the file is projected — reproject it to WGS84 (EPSG:4326) first`
      : `coordinate ${lon}, ${lat} is outside China (longitude ${CHINA.minLon}–${CHINA.maxLon}, latitude ${CHINA.minLat}–${CHINA.maxLat})`;
  }
  return { type, coordinates: c };
}

// ---------------------------------------------------------------------------------------------
// The mapping table
// ---------------------------------------------------------------------------------------------

const MAPPING_COLUMNS = [
  { key: 'name', name: 'name', aliases: ['key', 'feature', '名称', '要素名称', '村名', '乡镇名称'], required: true },
  { key: 'code', name: 'code', aliases: ['area_code', '代码', '区划代码', '行政区划代码'], required: true },
] as const;

/** The mapping CSV/XLSX: feature name → area code; each bad row is an error naming the row. */
export async function readMapping(file: string): Promise<{ mapping: Map<string, string>; errors: FeatureIssue[] }> {
  const errors: FeatureIssue[] = [];
  const mapping = new Map<string, string>();
  const err = (message: string, code: string | null = null, name: string | null = null) => errors.push({ index: null, code, name, message });
  let table: Awaited<ReturnType<typeof openTable>>;
  try {
    table = await openTable(file);
  } catch (e) {
    if (e instanceof TableReadError || (e as NodeJS.ErrnoException).code === 'ENOENT') {
      err(`mapping ${path.basename(file)}: ${(e as Error).message}`);
      return { mapping, errors };
    }
    throw e;
  }
  const headers = mapHeaders(table.headers, MAPPING_COLUMNS);
  if (headers.missing.length) {
    err(
      `mapping ${path.basename(file)}: no column ${headers.missing.join(', ')} (the header names the feature name column "name" and the area code column "code")`,
    );
    return { mapping, errors };
  }
  const cell = cellReader(headers);
  for await (const row of table.rows) {
    cell.values = row.values;
    const name = cell.get('name');
    const raw = cell.get('code');
    const code = normaliseCode(raw);
    if (!name) err(`mapping row ${row.rowNo}: no name`, raw || null);
    else if (code === null) err(`mapping row ${row.rowNo}: "${raw}" is not a 9-digit township or 12-digit village code`, raw || null, name);
    else if (mapping.has(name) && mapping.get(name) !== code)
      err(`mapping row ${row.rowNo}: "${name}" is mapped twice (${mapping.get(name)} and ${code})`, code, name);
    else mapping.set(name, code);
  }
  if (mapping.size === 0 && errors.length === 0) err(`mapping ${path.basename(file)} has no rows`);
  return { mapping, errors };
}
