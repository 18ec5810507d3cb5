// The households layer (农户) and the findings layer (问题线索) of the area map, from the server's
// vector tiles (scoped to the account's area, nothing personal in them: api/modules/tiles). Below
// zoom 14 a household tile holds one point per grid cell with its count (drawn as a circle sized by
// the count: a tap zooms in); from 14 one point per household coloured by its status (a tap opens
// the card). A finding is a ring around its household's point, coloured by its severity.
import type { maplibregl } from './base-map.ts';
import { tileSource } from './tile-source.ts';

/** 户状态 colours (legend: map.householdStatus.<status>). */
export const HOUSEHOLD_STATUS_COLOURS = [
  { status: '未脱贫户', colour: '#d4380d' },
  { status: '监测户', colour: '#e6a23c' },
  { status: '脱贫户', colour: '#2f9e44' },
  { status: '已消除风险', colour: '#1d6fd1' },
] as const;

/** Severity colours of findings (legend: crosscheck severity labels). */
export const FINDING_SEVERITY_COLOURS = [
  { severity: 'exclude', colour: '#a8071a' },
  { severity: 'update', colour: '#d46b08' },
  { severity: 'risk', colour: '#722ed1' },
  { severity: 'review', colour: '#1d6fd1' },
] as const;

const HH = 'households';
const FI = 'findings';
const CLUSTER = 'households-cluster';
const POINT = 'households-point';
const RING = 'findings-ring';
export const HOUSEHOLD_LAYER_IDS = [CLUSTER, POINT];
export const FINDING_LAYER_IDS = [RING];

// maplibre's expression types cannot follow a spread built from a table: typed as the paint property.
type Colour = NonNullable<maplibregl.CircleLayerSpecification['paint']>['circle-color'];
/** ['match', ['get', prop], value, colour, …, fallback] from a table of [value, colour]. */
const match = (prop: string, pairs: readonly (readonly [string, string])[], fallback: string): Colour => {
  const expr: unknown[] = ['match', ['get', prop], ...pairs.flatMap(([v, c]) => [v, c]), fallback];
  return expr as Colour;
};

export interface HouseholdLayers {
  setVisible(which: 'households' | 'findings', on: boolean): void;
  /** Distinct households (points) and clusters drawn in the viewport now, and findings. */
  rendered(): { points: number; clusters: number; findings: number };
  /** One household point drawn now: its id, status and position (browser tests tap it). */
  somePoint(): { id: string; status: string; lon: number; lat: number } | null;
}

export function addHouseholdLayers(map: maplibregl.Map, opts: { onHousehold?: (id: string) => void } = {}): HouseholdLayers {
  map.addSource(HH, tileSource(HH));
  map.addSource(FI, tileSource(FI));
  const statusColour = match(
    'status',
    HOUSEHOLD_STATUS_COLOURS.map((p) => [p.status, p.colour] as const),
    '#607d8b',
  );
  map.addLayer({
    id: CLUSTER,
    type: 'circle',
    source: HH,
    'source-layer': HH,
    filter: ['has', 'count'],
    layout: { visibility: 'none' },
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['sqrt', ['get', 'count']], 1, 4, 10, 14, 30, 26],
      // Where any household has not been lifted out of poverty: red; any monitored: orange; else green.
      'circle-color': ['case', ['>', ['get', 'poor'], 0], '#d4380d', ['>', ['get', 'monitoring'], 0], '#e6a23c', '#2f9e44'],
      'circle-opacity': 0.72,
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 1.5,
    },
  });
  map.addLayer({
    id: POINT,
    type: 'circle',
    source: HH,
    'source-layer': HH,
    filter: ['has', 'id'],
    layout: { visibility: 'none' },
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 14, 5, 18, 9],
      'circle-color': statusColour,
      'circle-stroke-color': ['case', ['==', ['get', 'state'], '待识别'], '#263238', '#ffffff'],
      'circle-stroke-width': 2,
    },
  });
  map.addLayer({
    id: RING,
    type: 'circle',
    source: FI,
    'source-layer': FI,
    layout: { visibility: 'none' },
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 6, 18, 14],
      'circle-opacity': 0,
      'circle-stroke-color': match(
        'severity',
        FINDING_SEVERITY_COLOURS.map((p) => [p.severity, p.colour] as const),
        '#000000',
      ),
      'circle-stroke-width': 3,
    },
  });

  map.on('click', (e) => {
    const box: [maplibregl.PointLike, maplibregl.PointLike] = [
      [e.point.x - 8, e.point.y - 8],
      [e.point.x + 8, e.point.y + 8],
    ];
    const layers = [POINT, RING, CLUSTER].filter((l) => map.getLayoutProperty(l, 'visibility') !== 'none');
    if (!layers.length) return;
    const hit = map.queryRenderedFeatures(box, { layers })[0];
    if (!hit) return;
    const p = hit.properties;
    if (typeof p.id === 'string' && hit.layer.id === POINT) opts.onHousehold?.(p.id);
    else if (typeof p.household === 'string') opts.onHousehold?.(p.household);
    else if (typeof p.count === 'number') map.easeTo({ center: e.lngLat, zoom: Math.min(map.getZoom() + 2, 16), duration: 300 });
  });
  for (const layer of [CLUSTER, POINT, RING]) {
    map.on('mouseenter', layer, () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', layer, () => (map.getCanvas().style.cursor = ''));
  }

  return {
    setVisible: (which, on) => {
      for (const id of which === 'households' ? HOUSEHOLD_LAYER_IDS : FINDING_LAYER_IDS) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
    },
    somePoint: () => {
      if (map.getLayoutProperty(POINT, 'visibility') === 'none') return null;
      const f = map.queryRenderedFeatures({ layers: [POINT] }).find((x) => x.geometry.type === 'Point');
      if (!f || f.geometry.type !== 'Point') return null;
      const [lon, lat] = f.geometry.coordinates as [number, number];
      return { id: String(f.properties.id), status: String(f.properties.status), lon, lat };
    },
    rendered: () => {
      const visible = (l: string) => map.getLayoutProperty(l, 'visibility') !== 'none';
      const count = (l: string, key: (p: Record<string, unknown>) => unknown) =>
        visible(l) ? new Set(map.queryRenderedFeatures({ layers: [l] }).map((f) => key(f.properties))).size : 0;
      return {
        points: count(POINT, (p) => p.id),
        clusters: count(CLUSTER, (p) => JSON.stringify(p)),
        findings: count(RING, (p) => p.id),
      };
    },
  };
}
