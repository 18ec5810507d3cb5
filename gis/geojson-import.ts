// Reading one geometry out of an imported GeoJSON file (a project's location brought from a survey
// tool or another GIS): a Feature, a FeatureCollection holding exactly one feature, or a bare
// geometry. Only the shape is checked here — whether the geometry is valid and inside its villages
// is PostGIS's answer on save. Pure: no DOM, no network; SRID 4326 in, SRID 4326 out.
import type { Geometry } from './geojson.ts';

/** The geometry types a project can have (no GeometryCollection: PostGIS checks one geometry). */
export const IMPORTABLE_TYPES = ['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon'] as const;
export type ImportableType = (typeof IMPORTABLE_TYPES)[number];
export type ImportedGeometry = Exclude<Geometry, { type: 'GeometryCollection' }>;

/** Why a file gave no geometry (each has its message in the web's locales: project.geometryImport.<reason>). */
export type ImportFailure = 'notJson' | 'notGeoJson' | 'empty' | 'severalFeatures' | 'noGeometry' | 'unsupportedType' | 'badCoordinates';

export type ImportResult = { ok: true; geometry: ImportedGeometry } | { ok: false; reason: ImportFailure; detail?: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A [lon, lat] (a third number, the height, is dropped) within the WGS 84 ranges. */
function position(v: unknown): [number, number] | null {
  if (!Array.isArray(v) || v.length < 2 || v.length > 3 || !v.every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
  const [lon, lat] = v as number[];
  if (lon === undefined || lat === undefined || Math.abs(lon) > 180 || Math.abs(lat) > 90) return null;
  return [lon, lat];
}

/** Nested arrays of positions `depth` levels deep (0: one position), or null if any is not one. */
function coordinates(v: unknown, depth: number): unknown {
  if (depth === 0) return position(v);
  if (!Array.isArray(v) || v.length === 0) return null;
  const out = v.map((x) => coordinates(x, depth - 1));
  return out.some((x) => x === null) ? null : out;
}

const DEPTH: Record<ImportableType, number> = { Point: 0, LineString: 1, Polygon: 2, MultiPoint: 1, MultiLineString: 2, MultiPolygon: 3 };

function geometryOf(g: unknown): ImportResult {
  if (!isObject(g)) return { ok: false, reason: 'noGeometry' };
  const type = g.type;
  if (typeof type !== 'string' || !(IMPORTABLE_TYPES as readonly string[]).includes(type)) {
    return { ok: false, reason: 'unsupportedType', detail: typeof type === 'string' ? type : undefined };
  }
  const c = coordinates(g.coordinates, DEPTH[type as ImportableType]);
  if (c === null) return { ok: false, reason: 'badCoordinates' };
  return { ok: true, geometry: { type, coordinates: c } as ImportedGeometry };
}

/** The one geometry of a parsed GeoJSON value. */
export function geometryFromGeoJson(value: unknown): ImportResult {
  if (!isObject(value) || typeof value.type !== 'string') return { ok: false, reason: 'notGeoJson' };
  if (value.type === 'FeatureCollection') {
    if (!Array.isArray(value.features)) return { ok: false, reason: 'notGeoJson' };
    if (value.features.length === 0) return { ok: false, reason: 'empty' };
    if (value.features.length > 1) return { ok: false, reason: 'severalFeatures', detail: String(value.features.length) };
    return geometryFromGeoJson(value.features[0]);
  }
  if (value.type === 'Feature') return value.geometry === null ? { ok: false, reason: 'noGeometry' } : geometryOf(value.geometry);
  return geometryOf(value);
}

/** The one geometry of a GeoJSON file's text (a byte-order mark is allowed). */
export function geometryFromGeoJsonText(text: string): ImportResult {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { ok: false, reason: 'notJson' };
  }
  return geometryFromGeoJson(value);
}
