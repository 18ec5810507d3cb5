// Owns one MapLibre map showing an area's subdivisions coloured by household count or a chosen figure. The map
// instance and the GeoJSON never enter Vue's reactivity: the Vue wrapper (AreaMap.vue) calls
// show()/highlight() and receives clicks through callbacks. No network: the style has no tiles,
// sprites or glyphs (names are drawn as HTML labels), so nothing is fetched from outside.
import { type BBox, bboxOf, type FeatureCollection, type Geometry } from '../../../gis/geojson.ts';
import { BACKGROUND, createBaseMap, fitBbox, maplibregl, type MapStyle, sourceData, whenIdle } from './base-map.ts';
import { addHouseholdLayers, FINDING_LAYER_IDS, HOUSEHOLD_LAYER_IDS } from './household-layer.ts';
import { addProjectLayer, PROJECT_LAYER_IDS, type ProjectTileProperties } from './project-layer.ts';
import { type ColourScale, fillColourExpression, householdScale, type MetricUnit, metricScale } from './scale.ts';
import type { api, Ok } from '../api.ts';

/** A basemap the server offers (GET /api/basemaps: 天地图 with a configured key). */
export type Basemap = Ok<Awaited<ReturnType<typeof api.basemaps.$get>>>['basemaps'][number];

export type Bbox = BBox;

/** Properties the boundaries endpoint puts on every feature. */
// A type alias, not an interface: it must fit gis/geojson.ts's Record<string, unknown> properties.
export type AreaFeatureProperties = {
  code: string;
  name: string;
  level: string;
  householdCount: number;
  labelLon: number | null;
  labelLat: number | null;
  /** The chosen figure (ShowOptions.unit given): what colours the area; null or missing: none. */
  value?: number | null;
};

export type AreaFeatureCollection = FeatureCollection<Geometry | null, AreaFeatureProperties>;

export interface ShowOptions {
  areaCode: string;
  /** The subdivisions to colour (may be empty, e.g. a village). */
  children: AreaFeatureCollection;
  /** The area's own outline, drawn as context on top. */
  outline?: AreaFeatureCollection | null;
  bbox?: Bbox | null;
  /** Colour by each feature's `value` in this unit (left out: by its household count). */
  unit?: MetricUnit;
}

export interface AreaMapOptions {
  onSelect?: (code: string) => void;
  onHover?: (code: string | null) => void;
  /** A project of the project layer was tapped (what its tile says of it). */
  onProject?: (p: ProjectTileProperties) => void;
  /** A household point (or a finding's ring) was tapped: the household's id. */
  onHousehold?: (id: string) => void;
}

/** What browser tests read from window.__driplineMap (updated when the map is idle). */
export interface AreaMapTestState {
  loaded: boolean;
  areaCode: string | null;
  /** Features in the data given to the map. */
  featureCount: number;
  /** Distinct features MapLibre actually drew in the viewport. */
  renderedCount: number;
  /** Distinct projects the project layer drew in the viewport (0 when it is off). */
  projectCount: number;
  /** Households drawn one by one, household clusters, and findings in the viewport (0 when off). */
  householdCount: number;
  clusterCount: number;
  findingCount: number;
  /** The basemap drawn (null: our own data only). */
  basemap: string | null;
  /** A household point drawn now (null: none), for a tap. */
  someHousehold: { id: string; status: string; lon: number; lat: number } | null;
  /** The map's zoom, and moving it (browser tests). */
  zoom: () => number;
  jumpTo: (lon: number, lat: number, zoom: number) => void;
  /** Viewport pixel (CSS px, page coordinates) of a lon/lat, for click tests. */
  pixelOf: (lon: number, lat: number) => [number, number];
  /** Viewport pixel (CSS px, page coordinates) of a feature's label point, for click tests. */
  pointOf: (code: string) => [number, number] | null;
}

declare global {
  interface Window {
    __driplineMap?: AreaMapTestState;
  }
}

export interface AreaMap {
  show(options: ShowOptions): Promise<ColourScale>;
  highlight(code: string | null): void;
  /** The map as drawn now, with its area names and a title, as a PNG (for reports). */
  toPng(title: string): Promise<Blob>;
  /** Draws a basemap under everything (null: our own data only). */
  setBasemap(basemap: Basemap | null): Promise<void>;
  /** Shows or hides a tiled layer: projects (项目), households (农户), findings (问题线索). */
  showLayer(layer: 'projects' | 'households' | 'findings', on: boolean): Promise<void>;
  resize(): void;
  destroy(): void;
}

const EMPTY: AreaFeatureCollection = { type: 'FeatureCollection', features: [] };
type FillOpacity = Parameters<typeof maplibregl.Map.prototype.setPaintProperty<'fill-opacity'>>[2];
/** Areas are nearly opaque on our own background, the hovered one fully. */
const CHILD_OPACITY: FillOpacity = ['case', ['boolean', ['feature-state', 'hover'], false], 1, 0.82];
const CHILDREN = 'children';
const OUTLINE = 'outline';

type FillColour = Parameters<typeof maplibregl.Map.prototype.setPaintProperty<'fill-color'>>[2];

const style: MapStyle = {
  version: 8,
  sources: {
    [CHILDREN]: { type: 'geojson', data: sourceData(EMPTY), promoteId: 'code' },
    [OUTLINE]: { type: 'geojson', data: sourceData(EMPTY) },
  },
  layers: [
    { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } },
    {
      id: 'children-fill',
      type: 'fill',
      source: CHILDREN,
      paint: {
        'fill-color': '#d9dee3',
        'fill-opacity': CHILD_OPACITY,
      },
    },
    {
      id: 'children-line',
      type: 'line',
      source: CHILDREN,
      paint: { 'line-color': '#ffffff', 'line-width': 1.2 },
    },
    {
      id: 'children-hover',
      type: 'line',
      source: CHILDREN,
      paint: {
        'line-color': '#0b3d2a',
        'line-width': ['case', ['boolean', ['feature-state', 'hover'], false], 3, 0],
      },
    },
    {
      id: 'outline-line',
      type: 'line',
      source: OUTLINE,
      paint: { 'line-color': '#1f6f4a', 'line-width': 2.2 },
    },
  ],
};

export function createAreaMap(container: HTMLElement, options: AreaMapOptions = {}): AreaMap {
  const map = createBaseMap(container, style);

  const state: AreaMapTestState = {
    loaded: false,
    areaCode: null,
    featureCount: 0,
    renderedCount: 0,
    projectCount: 0,
    householdCount: 0,
    clusterCount: 0,
    findingCount: 0,
    someHousehold: null,
    basemap: null,
    zoom: () => map.getZoom(),
    jumpTo: (lon, lat, zoom) => map.jumpTo({ center: [lon, lat], zoom }),
    pixelOf: (lon, lat) => {
      const p = map.project([lon, lat]);
      const r = container.getBoundingClientRect();
      return [r.left + p.x, r.top + p.y];
    },
    pointOf: (code) => {
      const f = current.features.find((x) => x.properties.code === code);
      if (!f || f.properties.labelLon == null || f.properties.labelLat == null) return null;
      const p = map.project([f.properties.labelLon, f.properties.labelLat]);
      const r = container.getBoundingClientRect();
      return [r.left + p.x, r.top + p.y];
    },
  };
  window.__driplineMap = state;

  const styleReady = new Promise<void>((resolve) => map.once('load', () => resolve()));
  // Added once the style is there, above the outlines (households, then projects on top); a tap on a
  // household or a project wins over the area under it.
  const households = styleReady.then(() => addHouseholdLayers(map, { onHousehold: (id) => options.onHousehold?.(id) }));
  const projects = households.then(() => addProjectLayer(map, { tiles: true, onSelect: (p) => options.onProject?.(p) }));
  // What the tiled layers drew, for browser tests, each time the map settles.
  map.on('idle', () => {
    void Promise.all([households, projects]).then(([h, p]) => {
      if (destroyed) return;
      const r = h.rendered();
      state.householdCount = r.points;
      state.clusterCount = r.clusters;
      state.findingCount = r.findings;
      state.someHousehold = h.somePoint();
      state.projectCount = p.renderedIds().length;
    });
  });
  let current: AreaFeatureCollection = EMPTY;
  let hovered: string | null = null;
  let labels: maplibregl.Marker[] = [];
  let showSeq = 0;
  let destroyed = false;
  let basemapIds: string[] = [];
  let attributionShown = false;

  function setHover(code: string | null): void {
    if (code === hovered) return;
    if (hovered !== null) map.setFeatureState({ source: CHILDREN, id: hovered }, { hover: false });
    hovered = code;
    if (code !== null) map.setFeatureState({ source: CHILDREN, id: code }, { hover: true });
  }

  map.on('mousemove', 'children-fill', (e) => {
    const code = e.features?.[0]?.properties?.code;
    if (typeof code !== 'string') return;
    map.getCanvas().style.cursor = 'pointer';
    if (code !== hovered) {
      setHover(code);
      options.onHover?.(code);
    }
  });
  map.on('mouseleave', 'children-fill', () => {
    map.getCanvas().style.cursor = '';
    setHover(null);
    options.onHover?.(null);
  });
  map.on('click', 'children-fill', (e) => {
    const shown = (ids: readonly string[]) => ids.filter((l) => map.getLayoutProperty(l, 'visibility') !== 'none');
    const projects = shown(PROJECT_LAYER_IDS);
    if (projects.length && map.queryRenderedFeatures(e.point, { layers: projects }).length) return;
    // Households and findings take a tap within 8 px (household-layer.ts): so does the check here, or a
    // tap beside a cluster would both zoom in and open the area's panel.
    const points = shown([...HOUSEHOLD_LAYER_IDS, ...FINDING_LAYER_IDS]);
    const box: [maplibregl.PointLike, maplibregl.PointLike] = [
      [e.point.x - 8, e.point.y - 8],
      [e.point.x + 8, e.point.y + 8],
    ];
    if (points.length && map.queryRenderedFeatures(box, { layers: points }).length) return;
    const code = e.features?.[0]?.properties?.code;
    if (typeof code === 'string') options.onSelect?.(code);
  });

  function placeLabels(fc: AreaFeatureCollection): void {
    for (const m of labels) m.remove();
    labels = [];
    // Areas with more households first: when labels collide, the busier area keeps its name.
    const ordered = [...fc.features].sort((a, b) => b.properties.householdCount - a.properties.householdCount);
    for (const f of ordered) {
      const { labelLon, labelLat, name, code } = f.properties;
      if (labelLon == null || labelLat == null) continue;
      const el = document.createElement('div');
      el.className = 'area-map-label';
      el.textContent = name;
      el.dataset.code = code;
      labels.push(new maplibregl.Marker({ element: el }).setLngLat([labelLon, labelLat]).addTo(map));
    }
    declutter();
  }

  /** Hides labels overlapping one already shown (no glyph-based collision without a font server). */
  function declutter(): void {
    const shown: DOMRect[] = [];
    for (const m of labels) {
      const el = m.getElement();
      el.style.visibility = 'visible';
      const r = el.getBoundingClientRect();
      const hit = shown.some((o) => r.left < o.right + 2 && r.right > o.left - 2 && r.top < o.bottom && r.bottom > o.top);
      if (hit) el.style.visibility = 'hidden';
      else shown.push(r);
    }
  }
  map.on('moveend', declutter);
  map.on('resize', declutter);

  async function show(opts: ShowOptions): Promise<ColourScale> {
    const mine = ++showSeq;
    state.loaded = false;
    state.areaCode = opts.areaCode;
    await styleReady;
    if (destroyed || mine !== showSeq) return householdScale([]);
    setHover(null);
    current = opts.children;
    const scale = opts.unit
      ? metricScale(
          opts.children.features.map((f) => f.properties.value ?? null),
          opts.unit,
        )
      : householdScale(opts.children.features.map((f) => f.properties.householdCount));
    map.setPaintProperty('children-fill', 'fill-color', fillColourExpression(scale, opts.unit ? 'value' : 'householdCount') as FillColour);
    const children = map.getSource<maplibregl.GeoJSONSource>(CHILDREN);
    const outline = map.getSource<maplibregl.GeoJSONSource>(OUTLINE);
    await Promise.all([children?.setData(sourceData(opts.children)), outline?.setData(sourceData(opts.outline ?? EMPTY))]);
    if (destroyed || mine !== showSeq) return scale;
    placeLabels(opts.children);
    const bbox = opts.bbox ?? bboxOf(opts.children) ?? (opts.outline ? bboxOf(opts.outline) : undefined);
    if (bbox) fitBbox(map, bbox);
    await whenIdle(map);
    if (destroyed || mine !== showSeq) return scale;
    const drawn = new Set(map.queryRenderedFeatures({ layers: ['children-fill'] }).map((f) => f.properties.code as string));
    state.featureCount = opts.children.features.length;
    state.renderedCount = drawn.size;
    state.loaded = true;
    return scale;
  }

  return {
    show,
    highlight: (code) => setHover(code),
    toPng: async (title) => {
      await whenIdle(map);
      const source = map.getCanvas();
      const ratio = source.width / source.clientWidth;
      const out = document.createElement('canvas');
      out.width = source.width;
      out.height = source.height;
      const g = out.getContext('2d');
      if (!g) throw new Error('no 2D canvas');
      g.drawImage(source, 0, 0);
      // The names are HTML labels over the canvas: drawn onto the image where they show.
      const box = source.getBoundingClientRect();
      g.textBaseline = 'middle';
      g.textAlign = 'center';
      g.lineJoin = 'round';
      const text = (s: string, x: number, y: number, px: number, weight = 400) => {
        g.font = `${weight} ${px * ratio}px system-ui, 'Noto Sans SC', 'WenQuanYi Micro Hei', sans-serif`;
        g.strokeStyle = '#ffffff';
        g.lineWidth = 3 * ratio;
        g.strokeText(s, x, y);
        g.fillStyle = '#1d2a22';
        g.fillText(s, x, y);
      };
      for (const m of labels) {
        const el = m.getElement();
        if (el.style.visibility === 'hidden') continue;
        const r = el.getBoundingClientRect();
        text(el.textContent ?? '', (r.left + r.width / 2 - box.left) * ratio, (r.top + r.height / 2 - box.top) * ratio, 12);
      }
      g.textAlign = 'left';
      text(title, 12 * ratio, 18 * ratio, 16, 600);
      g.textAlign = 'right';
      text(`滴灌 Dripline · ${new Date().toLocaleDateString('zh-CN')}`, out.width - 8 * ratio, out.height - 12 * ratio, 11);
      return new Promise<Blob>((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
    },
    setBasemap: async (basemap) => {
      await styleReady;
      if (destroyed) return;
      for (const id of basemapIds) {
        if (map.getLayer(id)) map.removeLayer(id);
        if (map.getSource(id)) map.removeSource(id);
      }
      basemapIds = [];
      if (basemap) {
        basemap.layers.forEach((tiles, i) => {
          const id = `basemap-${i}`;
          map.addSource(id, { type: 'raster', tiles, tileSize: 256, maxzoom: 18, attribution: basemap.attribution });
          // Under our areas, which turn see-through so the roads and the imagery show.
          map.addLayer({ id, type: 'raster', source: id }, 'children-fill');
          basemapIds.push(id);
        });
        if (!attributionShown) map.addControl(new maplibregl.AttributionControl({ compact: false }), 'bottom-right');
        attributionShown = true;
      }
      map.setPaintProperty('children-fill', 'fill-opacity', basemap ? 0.35 : CHILD_OPACITY);
      state.basemap = basemap?.id ?? null;
      await whenIdle(map);
    },
    showLayer: async (layer, on) => {
      const [h, p] = await Promise.all([households, projects]);
      if (destroyed) return;
      if (layer === 'projects') p.setVisible(on);
      else h.setVisible(layer, on);
      await whenIdle(map);
    },
    resize: () => map.resize(),
    destroy: () => {
      destroyed = true;
      for (const m of labels) m.remove();
      map.remove();
      if (window.__driplineMap === state) delete window.__driplineMap;
    },
  };
}
