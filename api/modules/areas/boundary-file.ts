// Reading a boundary file for `areas import` (boundary-import.ts): a GeoJSON FeatureCollection, or
// a zipped Shapefile (.shp + .dbf, with its .prj and .cpg when present) — as numbered features with
// their properties and raw geometry. Only the file's form and coordinate system are judged here; the
// features (codes, geometry types, coordinates) are the importer's. Nothing is ever reprojected: a
// file in another coordinate system is refused with what it is (decision 0031).
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { read as readShapefile } from 'shapefile';

export type BoundaryFileFormat = 'geojson' | 'shapefile';

export interface RawFeature {
  /** 1-based position in the file (the n-th feature / record), as the error report names it. */
  index: number;
  properties: Record<string, unknown>;
  geometry: unknown;
}

export interface BoundaryFile {
  format: BoundaryFileFormat;
  features: RawFeature[];
  /** What the file says its coordinate system is (GeoJSON `crs`, the .prj's name), when it says. */
  crs: string | null;
  /** The .dbf's text encoding (Shapefile only). */
  encoding: string | null;
}

/** The file cannot be read as a boundary file at all (its message is for the operator). */
export class BoundaryFileError extends Error {
  override name = 'BoundaryFileError';
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** Reads FILE: a zip (by its first bytes) as a Shapefile, anything else as GeoJSON. */
export function readBoundaryFile(file: string): Promise<BoundaryFile> | BoundaryFile {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new BoundaryFileError(`Cannot read ${file}: ${(e as Error).message}`);
  }
  if (buf.length === 0) throw new BoundaryFileError(`${path.basename(file)} is empty`);
  if (ZIP_MAGIC.every((b, i) => buf[i] === b)) return readZippedShapefile(buf);
  if (/\.(shp|dbf|shx)$/i.test(file)) {
    throw new BoundaryFileError('A Shapefile is imported as one .zip holding its .shp, .dbf and .prj (and .cpg): zip them together');
  }
  return readGeoJson(buf);
}

// ---------------------------------------------------------------------------------------------
// GeoJSON
// ---------------------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** GeoJSON (RFC 7946) is WGS84; the older `crs` member may name CRS84, EPSG:4326 or CGCS2000 (EPSG:4490). */
const GEOGRAPHIC_CRS = /(CRS84|EPSG:{1,2}(4326|4490)|EPSG:[0-9.]*:(4326|4490))$/i;

export function readGeoJson(buf: Buffer): BoundaryFile {
  let value: unknown;
  try {
    value = JSON.parse(buf.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new BoundaryFileError(`Not a GeoJSON file (nor a zipped Shapefile): ${(e as Error).message}`);
  }
  if (!isObject(value) || (value.type !== 'FeatureCollection' && value.type !== 'Feature')) {
    throw new BoundaryFileError(`Not a GeoJSON FeatureCollection${isObject(value) && typeof value.type === 'string' ? ` (type "${value.type}")` : ''}`);
  }
  let crs: string | null = null;
  if (isObject(value.crs)) {
    const name = isObject(value.crs.properties) ? value.crs.properties.name : undefined;
    crs = typeof name === 'string' ? name : JSON.stringify(value.crs);
    if (!GEOGRAPHIC_CRS.test(crs)) {
      throw new BoundaryFileError(
        `The file's coordinate system is ${crs}: only WGS84 (EPSG:4326) or CGCS2000 (EPSG:4490) longitude/latitude are accepted — reproject it first (e.g. ogr2ogr -t_srs EPSG:4326)`,
      );
    }
  }
  const list = value.type === 'Feature' ? [value] : value.features;
  if (!Array.isArray(list)) throw new BoundaryFileError('Not a GeoJSON FeatureCollection: it has no "features" array');
  if (list.length === 0) throw new BoundaryFileError('The FeatureCollection has no features');
  const features = list.map((f: unknown, i): RawFeature => {
    const props = isObject(f) && isObject(f.properties) ? f.properties : {};
    return { index: i + 1, properties: props, geometry: isObject(f) ? (f.geometry ?? null) : null };
  });
  return { format: 'geojson', features, crs, encoding: null };
}

// ---------------------------------------------------------------------------------------------
// Zipped Shapefile
// ---------------------------------------------------------------------------------------------

/**
 * The .prj's verdict: geographic WGS84 or CGCS2000 in degrees → null (accepted), else why not.
 * WKT1 (GEOGCS/PROJCS, ESRI's and OGC's) and WKT2 (GEOGCRS/PROJCRS) are read by their keywords only.
 */
export function prjProblem(wkt: string): string | null {
  const text = wkt.trim();
  const name = /^[A-Z0-9]+\[\s*"([^"]*)"/i.exec(text)?.[1] ?? text.slice(0, 60);
  const head = /^([A-Z0-9]+)\[/i.exec(text)?.[1]?.toUpperCase();
  if (head === 'PROJCS' || head === 'PROJCRS' || head === 'PROJECTEDCRS') {
    return `the .prj is a projected coordinate system ("${name}"): only WGS84 or CGCS2000 longitude/latitude are accepted — reproject it first (e.g. ogr2ogr -t_srs EPSG:4326)`;
  }
  if (head !== 'GEOGCS' && head !== 'GEOGCRS' && head !== 'GEODCRS' && head !== 'GEOGRAPHICCRS') {
    return `the .prj is not a coordinate system this importer reads ("${name}"): only WGS84 or CGCS2000 longitude/latitude are accepted`;
  }
  const datum = /DATUM\[\s*"([^"]*)"/i.exec(text)?.[1] ?? '';
  const known = /WGS[ _]?(19)?84|China[ _]2000|CGCS[ _]?2000|China Geodetic Coordinate System 2000/i;
  if (!known.test(datum) && !known.test(name)) {
    return `the .prj's datum is "${datum || name}": only WGS84 or CGCS2000 are accepted (Beijing 1954 and Xi'an 1980 need a datum transformation first)`;
  }
  const unit = /UNIT\[\s*"([^"]*)"/i.exec(text)?.[1] ?? 'degree';
  if (!/degree/i.test(unit)) return `the .prj's unit is "${unit}", not degrees`;
  return null;
}

/** A .cpg's code page → the decoder's label (UTF-8, or GB18030 for GBK/936 and its family). */
export function encodingOfCpg(cpg: string): string | null {
  const c = cpg.trim().toLowerCase();
  if (/utf-?8|65001/.test(c)) return 'utf-8';
  if (/gbk|gb2312|gb18030|936|cp936/.test(c)) return 'gb18030';
  return null;
}

/** Without a .cpg: UTF-8 when the records are valid UTF-8, else GB18030 (what Chinese GIS writes). */
export function detectDbfEncoding(dbf: Uint8Array): string {
  const headerLength = dbf.length >= 10 ? dbf[8]! | (dbf[9]! << 8) : 0;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(dbf.subarray(headerLength));
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

const copy = (u: Uint8Array): ArrayBuffer => u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;

async function readZippedShapefile(buf: Buffer): Promise<BoundaryFile> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  } catch (e) {
    throw new BoundaryFileError(`Cannot unzip the file: ${(e as Error).message}`);
  }
  const names = Object.keys(entries).filter((n) => !n.includes('__MACOSX') && !n.endsWith('/'));
  const layers = names.filter((n) => /\.shp$/i.test(n));
  if (layers.length === 0) throw new BoundaryFileError(`The zip holds no .shp (it holds: ${names.join(', ') || 'nothing'})`);
  if (layers.length > 1) throw new BoundaryFileError(`The zip holds ${layers.length} layers (${layers.join(', ')}): import one at a time`);
  const base = (layers[0] as string).slice(0, -4).toLowerCase();
  const part = (ext: string) => {
    const name = names.find((n) => n.toLowerCase() === `${base}.${ext}`);
    return name === undefined ? undefined : (entries[name] as Uint8Array);
  };
  const shp = part('shp') as Uint8Array;
  const dbf = part('dbf');
  if (!dbf) throw new BoundaryFileError(`The zip has no ${path.basename(base)}.dbf: without attributes no feature names its area`);
  const prj = part('prj');
  let crs: string | null = null;
  if (prj) {
    const wkt = new TextDecoder().decode(prj);
    const problem = prjProblem(wkt);
    if (problem) throw new BoundaryFileError(`Refused: ${problem}`);
    crs = /^[A-Z0-9]+\[\s*"([^"]*)"/i.exec(wkt.trim())?.[1] ?? null;
  }
  const cpg = part('cpg');
  const encoding = (cpg && encodingOfCpg(new TextDecoder().decode(cpg))) || detectDbfEncoding(dbf);
  let fc: Awaited<ReturnType<typeof readShapefile>>;
  try {
    fc = await readShapefile(copy(shp), copy(dbf), { encoding });
  } catch (e) {
    throw new BoundaryFileError(`Cannot read the Shapefile: ${(e as Error).message}`);
  }
  if (fc.features.length === 0) throw new BoundaryFileError('The Shapefile has no features');
  const features = fc.features.map((f, i): RawFeature => ({ index: i + 1, properties: f.properties ?? {}, geometry: f.geometry }));
  return { format: 'shapefile', features, crs, encoding };
}
