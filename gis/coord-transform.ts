// Coordinate transforms between WGS84 (GPS, our database, 天地图's CGCS2000 to within a metre),
// GCJ-02 (国测局 "Mars" coordinates: 高德/Gaode, 腾讯/Tencent) and BD-09 (百度/Baidu), for points taken
// from or shown on a Chinese commercial basemap (decision 0029). Pure, shared by api and web.
// The arithmetic is gcoord's (the published algorithm: Krasovsky ellipsoid a = 6378245,
// ee = 0.00669342162296594323; BD-09 x_pi = π·3000/180); this file owns the names, the [lon, lat]
// tuples and the rule for points outside China. It must never touch a database or the network.
//
// Outside China (gcoord's rough box, lon 72.004–137.8347, lat 0.8293–55.8271, the same as the
// published `out_of_china`) WGS84 ↔ GCJ-02 leaves a point unchanged. GCJ-02 ↔ BD-09 is Baidu's own
// offset and applies everywhere, as in the published algorithm, so wgs84ToBd09 and bd09ToWgs84 still
// shift a point outside China by Baidu's ~0.006°.
import gcoord from 'gcoord';

/** A position as GeoJSON orders it: [longitude, latitude] in degrees. */
export type LonLat = readonly [lon: number, lat: number];

type Crs = typeof gcoord.WGS84 | typeof gcoord.GCJ02 | typeof gcoord.BD09;

function convert(p: LonLat, from: Crs, to: Crs): [number, number] {
  const [lon, lat] = p;
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw new RangeError(`Not a coordinate: [${lon}, ${lat}]`);
  // gcoord takes a mutable Position and may return it; ours are never shared.
  const out = gcoord.transform([lon, lat], from, to);
  return [out[0], out[1]];
}

/** WGS84 (GPS, 天地图) → GCJ-02 (高德, 腾讯). Unchanged outside China. */
export const wgs84ToGcj02 = (p: LonLat) => convert(p, gcoord.WGS84, gcoord.GCJ02);

/** gcoord's inverse stops once the forward transform is within 1e-6° of the target; we go on to this. */
const INVERSE_TOLERANCE = 1e-10;

/**
 * GCJ-02 → WGS84: the inverse by fixed-point iteration. gcoord's stops at a residual of 1e-6°
 * (up to ~1e-6° off over Guizhou); a few more steps of the same iteration bring it under 1e-9°.
 * Unchanged outside China.
 */
export function gcj02ToWgs84(p: LonLat): [number, number] {
  const w = convert(p, gcoord.GCJ02, gcoord.WGS84);
  if (!inChinaBox(p)) return w;
  for (let i = 0; i < 10; i++) {
    const g = wgs84ToGcj02(w);
    const dLon = g[0] - p[0];
    const dLat = g[1] - p[1];
    if (Math.abs(dLon) < INVERSE_TOLERANCE && Math.abs(dLat) < INVERSE_TOLERANCE) break;
    w[0] -= dLon;
    w[1] -= dLat;
  }
  return w;
}

/** GCJ-02 → BD-09 (百度). */
export const gcj02ToBd09 = (p: LonLat) => convert(p, gcoord.GCJ02, gcoord.BD09);

/** BD-09 → GCJ-02 (the published closed-form inverse; within ~1e-6° of exact). */
export const bd09ToGcj02 = (p: LonLat) => convert(p, gcoord.BD09, gcoord.GCJ02);

/** WGS84 → BD-09: through GCJ-02. */
export const wgs84ToBd09 = (p: LonLat) => convert(p, gcoord.WGS84, gcoord.BD09);

/** BD-09 → WGS84: through GCJ-02 (with the refined inverse above). */
export const bd09ToWgs84 = (p: LonLat) => gcj02ToWgs84(bd09ToGcj02(p));

/** Whether gcoord treats the point as inside China (where GCJ-02 differs from WGS84). */
export const inChinaBox = ([lon, lat]: LonLat) => lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
