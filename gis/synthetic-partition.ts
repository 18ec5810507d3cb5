// Labelled seed points for SYNTHETIC township and village boundaries. Real boundaries below the
// county are not public, so the seeding draws them: this module scatters points over a county
// outline and labels each with a township and a village; PostGIS then takes the Voronoi diagram
// of all points and unions the cells by label (seeds/areas.ts). Because every label is a union of
// whole cells, villages tile their township and townships tile the county by construction.
//
// How points are labelled: township "sites" are spread over the county (best-candidate
// sampling; 街道 clustered around the county seat), and a point belongs to the site minimising
// distance − weight (an additively weighted Voronoi / Apollonius diagram). Weights grow with the
// number of villages (街道 get none: towns are compact), so big townships are big; weights may
// differ by at most 0.7 × the distance between two sites, which keeps every region non-empty,
// star-shaped and holding its own site.
// Villages are placed the same way inside their township, 社区 (居委会) nearest the seat.
// Each township's and village's site is returned as its seat (a label point inside it).
//
// Pure and deterministic: same outline, units and seed → the same points. It must never use
// Math.random, the clock, a database or Node-only APIs.
import { bboxOf, type MultiPolygon, type Polygon, preparePolygon } from './geojson.ts';
import { createRng, type Rng } from './random.ts';

export interface PartitionUnit {
  /** Township code. */
  code: string;
  /** Codes of its village-level units, in any order (at least one). */
  children: readonly string[];
}

export interface LabelledPoint {
  parent: string;
  child: string;
  lon: number;
  lat: number;
}

export interface Seat {
  /** Township or village code. */
  code: string;
  lon: number;
  lat: number;
}

export interface Partition {
  /** Every Voronoi generator with its labels. */
  points: LabelledPoint[];
  /**
   * One seat per township and village: the generator its region grew from, so it lies inside
   * that region. A deterministic label point (ST_PointOnSurface differs between GEOS versions).
   */
  seats: Seat[];
}

export interface PartitionOptions {
  /** Seed string, e.g. the county code. */
  seed: string;
  /** The county seat (e.g. echarts' `cp`): the 街道 gather around it. Ignored when outside the outline. */
  seat?: readonly [number, number] | undefined;
  /** Points (Voronoi cells) per village: more gives finer, more natural boundaries. Default 12. */
  pointsPerChild?: number;
}

interface Xy {
  x: number;
  y: number;
}

/** How steeply weights may differ between sites (< 1 keeps every site in its own region). */
const LIPSCHITZ = 0.7;
const CANDIDATES_PER_SITE = 40;
const BEST_OF = 10;

/** Township codes ending 001–099 are 街道 (urban sub-districts); village codes 001–199 are 居委会 (社区). */
const isStreet = (townshipCode: string) => Number(townshipCode.slice(6, 9)) < 100;
const isCommunity = (villageCode: string) => Number(villageCode.slice(9, 12)) < 200;

/**
 * Scatters labelled points over `outline` so that the Voronoi cells grouped by `parent` give
 * one region per township and grouped by `child` one region per village. Throws when the outline
 * is empty or a unit has no children.
 */
export function synthesizePartition(outline: Polygon | MultiPolygon, units: readonly PartitionUnit[], opts: PartitionOptions): Partition {
  const box = bboxOf(outline);
  if (!box) throw new Error('synthesizePartition: empty outline');
  for (const u of units) if (u.children.length === 0) throw new Error(`synthesizePartition: ${u.code} has no children`);
  if (units.length === 0) return { points: [], seats: [] };

  const rng = createRng(`partition:${opts.seed}`);
  const perChild = opts.pointsPerChild ?? 12;
  // Local planar frame: x scaled by cos(latitude) so that distances are isotropic.
  const kx = Math.cos((((box[1] + box[3]) / 2) * Math.PI) / 180);
  const toXy = (lon: number, lat: number): Xy => ({ x: lon * kx, y: lat });
  const contains = preparePolygon(outline);
  const inside = (p: Xy) => contains(p.x / kx, p.y);
  const edges = outlineEdges(outline, kx);
  const [minX, minY, maxX, maxY] = [box[0] * kx, box[1], box[2] * kx, box[3]];

  const drawIn = (bx0: number, by0: number, bx1: number, by1: number): Xy => ({ x: rng.range(bx0, bx1), y: rng.range(by0, by1) });

  // Stage 1: candidate positions for township sites, uniform over the county.
  const candidates: Xy[] = [];
  const wanted = CANDIDATES_PER_SITE * units.length;
  for (let tries = 0; candidates.length < wanted && tries < wanted * 200; tries++) {
    const p = drawIn(minX, minY, maxX, maxY);
    if (inside(p)) candidates.push(p);
  }
  if (candidates.length < units.length) throw new Error('synthesizePartition: outline too small to place sites');
  const area = (maxX - minX) * (maxY - minY) * (candidates.length / Math.max(1, wanted));
  const spacing = Math.sqrt(area / units.length);

  // Township sites in code order: 街道 huddle around the first one (the county seat).
  const ordered = [...units].sort((a, b) => a.code.localeCompare(b.code));
  const sites: Xy[] = [];
  const countySeat = opts.seat && contains(opts.seat[0], opts.seat[1]) ? toXy(opts.seat[0], opts.seat[1]) : undefined;
  let seat: Xy | undefined;
  for (const u of ordered) {
    let site: Xy | undefined;
    if (isStreet(u.code) && seat) {
      site = nearestFarEnough(candidates, seat, sites, 0.3 * spacing) ?? bestCandidate(candidates, sites, edges, rng);
    } else {
      site = isStreet(u.code) && countySeat ? nearestFarEnough(candidates, countySeat, sites, 1e-9) : bestCandidate(candidates, sites, edges, rng);
      if (isStreet(u.code)) seat = site;
    }
    if (!site) throw new Error('synthesizePartition: more townships than candidate sites');
    sites.push(site);
  }
  const siteWeights = weightsFor(
    sites,
    (i) => {
      const u = ordered[i] as PartitionUnit;
      return isStreet(u.code) ? 0 : Math.sqrt(u.children.length) * rng.range(0.6, 1);
    },
    0.6 * spacing,
  );
  const owner = (p: Xy) => nearestWeighted(p, sites, siteWeights);

  // Where each township's region roughly lies: the candidates it owns, plus a margin.
  const boxes = sites.map((s) => ({ x0: s.x, y0: s.y, x1: s.x, y1: s.y }));
  for (const c of candidates) {
    const b = boxes[owner(c)];
    if (!b) continue;
    b.x0 = Math.min(b.x0, c.x);
    b.y0 = Math.min(b.y0, c.y);
    b.x1 = Math.max(b.x1, c.x);
    b.y1 = Math.max(b.y1, c.y);
  }
  const margin = spacing / Math.sqrt(CANDIDATES_PER_SITE);

  const out: LabelledPoint[] = [];
  const seats: Seat[] = [];
  const seen = new Set<string>();
  const emit = (parent: string, child: string, p: Xy) => {
    const lon = round6(p.x / kx);
    const lat = round6(p.y);
    const key = `${lon},${lat}`;
    // Two identical points would share one Voronoi cell and so two labels: keep the first.
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ parent, child, lon, lat });
  };
  const seatOf = (code: string, p: Xy): Seat => ({ code, lon: round6(p.x / kx), lat: round6(p.y) });

  ordered.forEach((u, t) => {
    const site = sites[t] as Xy;
    const b = boxes[t] as { x0: number; y0: number; x1: number; y1: number };
    // Stage 2: points uniform over the township's region (rejection inside its rough box).
    const need = perChild * u.children.length;
    const pts: Xy[] = [site];
    const maxTries = 400 * need;
    for (let tries = 0; pts.length < need && tries < maxTries; tries++) {
      const p = drawIn(b.x0 - margin, b.y0 - margin, b.x1 + margin, b.y1 + margin);
      if (owner(p) === t && inside(p)) pts.push(p);
    }
    if (pts.length < u.children.length) {
      throw new Error(`synthesizePartition: township ${u.code} got ${pts.length} points for ${u.children.length} villages`);
    }

    // Village sites among the township's points; 社区 take those nearest the seat (the site).
    const villageSites: Xy[] = [];
    for (let i = 0; i < u.children.length; i++) {
      const s = bestCandidate(pts, villageSites, [], rng);
      if (!s) throw new Error(`synthesizePartition: township ${u.code} ran out of village sites`);
      villageSites.push(s);
    }
    villageSites.sort((p, q) => dist2(p, site) - dist2(q, site));
    const children = [...u.children].sort();
    const villageSpacing = Math.sqrt(((b.x1 - b.x0 + 2 * margin) * (b.y1 - b.y0 + 2 * margin)) / u.children.length);
    const villageWeights = weightsFor(villageSites, (i) => (isCommunity(children[i] as string) ? 0 : rng.range(0.3, 1)), 0.4 * villageSpacing);
    // Sites first, so that no village can lose its own point to de-duplication.
    villageSites.forEach((s, i) => {
      emit(u.code, children[i] as string, s);
    });
    seats.push(seatOf(u.code, site), ...villageSites.map((s, i) => seatOf(children[i] as string, s)));
    const isSite = new Set(villageSites);
    for (const p of pts) {
      if (!isSite.has(p)) emit(u.code, children[nearestWeighted(p, villageSites, villageWeights)] as string, p);
    }
  });
  const covered = new Set(out.map((p) => p.child));
  for (const u of units) {
    for (const c of u.children) if (!covered.has(c)) throw new Error(`synthesizePartition: village ${c} got no point`);
  }
  return { points: out, seats };
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
const dist2 = (a: Xy, b: Xy) => (a.x - b.x) ** 2 + (a.y - b.y) ** 2;

/**
 * Weight of each site: `raw(i)` scaled so the largest is `scale`, then clamped so that
 * w_j − w_i ≤ LIPSCHITZ·d(i, j) for every pair. That is exactly what keeps every site inside its
 * own (non-empty, star-shaped) region: a site is swallowed only when w_j − w_i ≥ d(i, j).
 */
function weightsFor(sites: readonly Xy[], raw: (i: number) => number, scale: number): number[] {
  const r = sites.map((_, i) => Math.max(0, raw(i)));
  const max = Math.max(...r, 1e-12);
  const w = r.map((v) => (scale * v) / max);
  // Relax like shortest paths: w_j = min(w_j, w_i + L·d_ij) until stable (≤ n passes).
  for (let pass = 0, changed = true; changed && pass <= sites.length; pass++) {
    changed = false;
    for (let j = 0; j < sites.length; j++) {
      for (let i = 0; i < sites.length; i++) {
        if (i === j) continue;
        const limit = (w[i] as number) + LIPSCHITZ * Math.sqrt(dist2(sites[i] as Xy, sites[j] as Xy));
        if ((w[j] as number) > limit) {
          w[j] = limit;
          changed = true;
        }
      }
    }
  }
  return w;
}

function nearestWeighted(p: Xy, sites: readonly Xy[], weights: readonly number[]): number {
  let best = 0;
  let bestScore = Infinity;
  for (let i = 0; i < sites.length; i++) {
    const score = Math.sqrt(dist2(p, sites[i] as Xy)) - (weights[i] as number);
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

/**
 * Mitchell's best candidate: of BEST_OF random unchosen candidates, the one farthest from the
 * chosen sites and (half as much) from the outline. Undefined only when every candidate is taken.
 */
function bestCandidate(pool: readonly Xy[], chosen: readonly Xy[], edges: readonly number[][], rng: Rng): Xy | undefined {
  const taken = new Set(chosen);
  let best: Xy | undefined;
  let bestScore = -Infinity;
  for (let k = 0; k < BEST_OF; k++) {
    const c = pool[rng.int(pool.length)] as Xy;
    if (taken.has(c)) continue;
    let score = Infinity;
    for (const s of chosen) score = Math.min(score, Math.sqrt(dist2(c, s)));
    if (edges.length) score = Math.min(score, 2 * distanceToEdges(c, edges));
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best ?? pool.find((c) => !taken.has(c));
}

/** The candidate nearest to `to` that keeps at least `minGap` from every chosen site. */
function nearestFarEnough(pool: readonly Xy[], to: Xy, chosen: readonly Xy[], minGap: number): Xy | undefined {
  let best: Xy | undefined;
  let bestD = Infinity;
  const gap2 = minGap * minGap;
  for (const c of pool) {
    if (chosen.some((s) => dist2(c, s) < gap2)) continue;
    const d = dist2(c, to);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/** Outline edges in the local frame as flat [x0, y0, x1, y1] tuples. */
function outlineEdges(outline: Polygon | MultiPolygon, kx: number): number[][] {
  const polys = outline.type === 'Polygon' ? [outline.coordinates] : outline.coordinates;
  const out: number[][] = [];
  for (const rings of polys) {
    for (const ring of rings) {
      for (let i = 1; i < ring.length; i++) {
        const a = ring[i - 1] as number[];
        const b = ring[i] as number[];
        out.push([(a[0] as number) * kx, a[1] as number, (b[0] as number) * kx, b[1] as number]);
      }
    }
  }
  return out;
}

function distanceToEdges(p: Xy, edges: readonly number[][]): number {
  let best = Infinity;
  for (const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] of edges) {
    const dx = x1 - x0;
    const dy = y1 - y0;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - x0) * dx + (p.y - y0) * dy) / len2));
    const ex = x0 + t * dx - p.x;
    const ey = y0 + t * dy - p.y;
    best = Math.min(best, ex * ex + ey * ey);
  }
  return Math.sqrt(best);
}
