// GeoJSON (RFC 7946) types and small measurements on them: bounding boxes, ring areas,
// point-in-polygon. Owns planar arithmetic on lon/lat coordinates, shared by api, seeds and web.
// It must never touch a database, the network or Node-only APIs, and never reproject: SRID 4326
// in, SRID 4326 out.

export type Position = [number, number] | [number, number, number] | number[];
export type Ring = Position[];
export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

export interface Point {
  type: 'Point';
  coordinates: Position;
}
export interface MultiPoint {
  type: 'MultiPoint';
  coordinates: Position[];
}
export interface LineString {
  type: 'LineString';
  coordinates: Position[];
}
export interface MultiLineString {
  type: 'MultiLineString';
  coordinates: Position[][];
}
export interface Polygon {
  type: 'Polygon';
  coordinates: Ring[];
}
export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: Ring[][];
}
export interface GeometryCollection {
  type: 'GeometryCollection';
  geometries: Geometry[];
}
export type Geometry = Point | MultiPoint | LineString | MultiLineString | Polygon | MultiPolygon | GeometryCollection;

export interface Feature<G extends Geometry | null = Geometry | null, P = Record<string, unknown> | null> {
  type: 'Feature';
  id?: string | number;
  geometry: G;
  properties: P;
  bbox?: BBox;
}
export interface FeatureCollection<G extends Geometry | null = Geometry | null, P = Record<string, unknown> | null> {
  type: 'FeatureCollection';
  features: Feature<G, P>[];
  bbox?: BBox;
}
export type GeoJson = Geometry | Feature | FeatureCollection;

function* positionsOf(g: GeoJson | null): Generator<Position> {
  if (!g) return;
  switch (g.type) {
    case 'FeatureCollection':
      for (const f of g.features) yield* positionsOf(f.geometry);
      return;
    case 'Feature':
      yield* positionsOf(g.geometry);
      return;
    case 'GeometryCollection':
      for (const child of g.geometries) yield* positionsOf(child);
      return;
    case 'Point':
      yield g.coordinates;
      return;
    case 'MultiPoint':
    case 'LineString':
      yield* g.coordinates;
      return;
    case 'MultiLineString':
    case 'Polygon':
      for (const line of g.coordinates) yield* line;
      return;
    case 'MultiPolygon':
      for (const poly of g.coordinates) for (const ring of poly) yield* ring;
      return;
  }
}

/** [minLon, minLat, maxLon, maxLat] of every position in a geometry, feature or collection; undefined when empty. */
export function bboxOf(g: GeoJson | null): BBox | undefined {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of positionsOf(g)) {
    const x = p[0];
    const y = p[1];
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return minX <= maxX ? [minX, minY, maxX, maxY] : undefined;
}

/** Whether two boxes overlap (touching counts). */
export function bboxIntersects(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/**
 * Signed planar area of a ring in squared degrees (shoelace): positive when counter-clockwise
 * (RFC 7946 exterior rings), negative when clockwise. Closed or open rings give the same value.
 */
export function ringArea(ring: Ring): number {
  let sum = 0;
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    const a = ring[i] as Position;
    const b = ring[(i + 1) % n] as Position;
    sum += a[0] * b[1] - b[0] * a[1];
  }
  return sum / 2;
}

/** Planar area in squared degrees of a Polygon or MultiPolygon (holes subtracted, orientation ignored). */
export function polygonArea(g: Polygon | MultiPolygon): number {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let total = 0;
  for (const rings of polys) {
    rings.forEach((ring, i) => {
      total += i === 0 ? Math.abs(ringArea(ring)) : -Math.abs(ringArea(ring));
    });
  }
  return total;
}

/** Even-odd test of a point against one ring; points exactly on an edge may land either way. */
export function pointInRing(lon: number, lat: number, ring: Ring): boolean {
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const pi = ring[i] as Position;
    const pj = ring[j] as Position;
    const xi = pi[0];
    const yi = pi[1];
    const xj = pj[0];
    const yj = pj[1];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a point lies in a Polygon or MultiPolygon (inside an exterior ring and outside its holes). */
export function pointInPolygon(lon: number, lat: number, g: Polygon | MultiPolygon): boolean {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  for (const [outer, ...holes] of polys) {
    if (!outer || !pointInRing(lon, lat, outer)) continue;
    if (!holes.some((h) => pointInRing(lon, lat, h))) return true;
  }
  return false;
}

/** Rounds every coordinate of a geometry to `decimals` places (6 ≈ 0.1 m), returning a new geometry. */
export function roundCoordinates<G extends Geometry>(g: G, decimals = 6): G {
  const f = 10 ** decimals;
  const r = (p: Position): Position => p.map((v) => Math.round(v * f) / f);
  const walk = (geom: Geometry): Geometry => {
    switch (geom.type) {
      case 'Point':
        return { type: 'Point', coordinates: r(geom.coordinates) };
      case 'MultiPoint':
        return { type: 'MultiPoint', coordinates: geom.coordinates.map(r) };
      case 'LineString':
        return { type: 'LineString', coordinates: geom.coordinates.map(r) };
      case 'MultiLineString':
        return { type: 'MultiLineString', coordinates: geom.coordinates.map((l) => l.map(r)) };
      case 'Polygon':
        return { type: 'Polygon', coordinates: geom.coordinates.map((l) => l.map(r)) };
      case 'MultiPolygon':
        return { type: 'MultiPolygon', coordinates: geom.coordinates.map((p) => p.map((l) => l.map(r))) };
      case 'GeometryCollection':
        return { type: 'GeometryCollection', geometries: geom.geometries.map(walk) };
    }
  };
  return walk(g) as G;
}

/**
 * A fast reusable point-in-polygon test for many points against one Polygon/MultiPolygon
 * (same answers as pointInPolygon): edges are bucketed into horizontal bands so each test
 * crosses only the edges of its band.
 */
export function preparePolygon(g: Polygon | MultiPolygon, bands = 64): (lon: number, lat: number) => boolean {
  const box = bboxOf(g);
  if (!box) return () => false;
  const [minX, minY, maxX, maxY] = box;
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  const edges: number[] = [];
  for (const rings of polys) {
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const a = ring[j] as Position;
        const b = ring[i] as Position;
        if (a[1] !== b[1]) edges.push(a[0], a[1], b[0], b[1]);
      }
    }
  }
  const h = (maxY - minY) / bands || 1;
  const buckets: number[][] = Array.from({ length: bands }, () => []);
  for (let e = 0; e < edges.length; e += 4) {
    const y0 = Math.min(edges[e + 1] as number, edges[e + 3] as number);
    const y1 = Math.max(edges[e + 1] as number, edges[e + 3] as number);
    const from = Math.max(0, Math.floor((y0 - minY) / h));
    const to = Math.min(bands - 1, Math.floor((y1 - minY) / h));
    for (let k = from; k <= to; k++) (buckets[k] as number[]).push(e);
  }
  const flat = Float64Array.from(edges);
  const flatBuckets = buckets.map((b) => Int32Array.from(b));
  return (lon, lat) => {
    if (lon < minX || lon > maxX || lat < minY || lat > maxY) return false;
    const bucket = flatBuckets[Math.min(bands - 1, Math.floor((lat - minY) / h))] as Int32Array;
    let inside = false;
    for (let k = 0; k < bucket.length; k++) {
      const e = bucket[k] as number;
      const xj = flat[e] as number;
      const yj = flat[e + 1] as number;
      const xi = flat[e + 2] as number;
      const yi = flat[e + 3] as number;
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
}
