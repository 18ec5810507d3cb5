// The projects layer (项目): located projects drawn as points, lines and polygons, coloured by where
// they are in the approval chain. Everything that knows how projects look on a map is here — the
// source, its layers, the colours and the legend. Its source is either the server's vector tiles
// (/tiles/projects/…, scoped to the account's area: the area map) or GeoJSON given to it (one
// project's location in the geometry editor). The GeoJSON never enters Vue's reactivity.
import type { api, Ok } from '../api.ts';
import type { maplibregl } from './base-map.ts';
import { tileSource } from './tile-source.ts';

export type ProjectFeatureCollection = Ok<Awaited<ReturnType<typeof api.projects.features.$get>>>;
export type ProjectFeature = ProjectFeatureCollection['features'][number];
export type ProjectState = ProjectFeature['properties']['state'];

/** The legend's groups of chain states, each with one colour (label: map.projectGroup.<key>). */
export const PROJECT_STATE_GROUPS = [
  { key: 'draft', colour: '#455a64', states: ['村申报'] },
  { key: 'review', colour: '#e6a23c', states: ['乡镇审核', '县级审定'] },
  { key: 'notice', colour: '#d4380d', states: ['公告公示'] },
  { key: 'building', colour: '#1d6fd1', states: ['实施'] },
  { key: 'closing', colour: '#7b4fc9', states: ['验收', '资产移交', '绩效评价'] },
  { key: 'done', colour: '#2f9e44', states: ['已完成'] },
  { key: 'stopped', colour: '#9e9e9e', states: ['已驳回', '已撤回'] },
] as const satisfies readonly { key: string; colour: string; states: readonly ProjectState[] }[];

export const projectColour = (state: string): string => PROJECT_STATE_GROUPS.find((g) => (g.states as readonly string[]).includes(state))?.colour ?? '#000000';

const SOURCE = 'projects';
const FILL = 'projects-fill';
const OUTLINE = 'projects-outline';
const LINE = 'projects-line';
const CASING = 'projects-casing';
const POINT = 'projects-point';
/** The layers a tap can hit. */
export const PROJECT_LAYER_IDS = [FILL, LINE, POINT];

const EMPTY: ProjectFeatureCollection = { type: 'FeatureCollection', features: [], truncated: false };

// maplibre's expression types cannot follow a spread built from a table: typed as the paint property.
type Colour = Parameters<typeof maplibregl.Map.prototype.setPaintProperty<'fill-color'>>[2];
/** ['match', ['get', 'state'], ['村申报'], '#…', …, fallback], built from the groups. */
const colourByState = (): Colour => {
  const match: unknown[] = ['match', ['get', 'state'], ...PROJECT_STATE_GROUPS.flatMap((g) => [[...g.states], g.colour]), '#000000'];
  return match as Colour;
};

/** What a project's feature in a tile carries (api/modules/tiles/queries.ts: projects). */
export interface ProjectTileProperties {
  id: string;
  name: string;
  type: string;
  state: ProjectState;
  year: number;
  village: string;
}

export interface ProjectLayer {
  /** The GeoJSON source's data (null: nothing); ignored by the tiled layer. */
  setData(fc: ProjectFeatureCollection | null): void;
  /** Shows or hides the layers (a hidden tiled layer asks for no tiles). */
  setVisible(on: boolean): void;
  /** Ids of the projects drawn in the viewport now. */
  renderedIds(): string[];
}

/**
 * Adds the layer to a loaded map (above everything there). `onSelect` gets the id of a tapped
 * project; a tap on several overlapping ones picks the topmost (points over lines over polygons).
 */
export function addProjectLayer(
  map: maplibregl.Map,
  opts: { tiles?: boolean; onSelect?: (p: ProjectTileProperties, lngLat: [number, number]) => void } = {},
): ProjectLayer {
  map.addSource(SOURCE, opts.tiles ? tileSource('projects') : { type: 'geojson', data: EMPTY, promoteId: 'id' });
  // A tiled layer starts hidden (the 项目 switch shows it); its features sit in the tile's `projects` layer.
  const from = opts.tiles ? { source: SOURCE, 'source-layer': SOURCE } : { source: SOURCE };
  const visibility = opts.tiles ? ('none' as const) : ('visible' as const);
  const colour = colourByState();
  map.addLayer({
    id: FILL,
    type: 'fill',
    ...from,
    filter: ['==', ['geometry-type'], 'Polygon'],
    layout: { visibility },
    paint: { 'fill-color': colour, 'fill-opacity': 0.35 },
  });
  // A white casing under lines and outlines keeps them readable over any fill colour.
  map.addLayer({
    id: CASING,
    type: 'line',
    ...from,
    filter: ['!=', ['geometry-type'], 'Point'],
    layout: { visibility, 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': '#ffffff', 'line-width': ['match', ['geometry-type'], 'LineString', 8, 5] },
  });
  map.addLayer({
    id: OUTLINE,
    type: 'line',
    ...from,
    filter: ['==', ['geometry-type'], 'Polygon'],
    layout: { visibility },
    paint: { 'line-color': colour, 'line-width': 2 },
  });
  map.addLayer({
    id: LINE,
    type: 'line',
    ...from,
    filter: ['==', ['geometry-type'], 'LineString'],
    layout: { visibility, 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': colour, 'line-width': 4 },
  });
  map.addLayer({
    id: POINT,
    type: 'circle',
    ...from,
    filter: ['==', ['geometry-type'], 'Point'],
    layout: { visibility },
    paint: { 'circle-color': colour, 'circle-radius': 7, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
  });
  if (opts.onSelect) {
    const onSelect = opts.onSelect;
    map.on('click', (e) => {
      // A finger is wide: look a few pixels around the tap.
      const box: [maplibregl.PointLike, maplibregl.PointLike] = [
        [e.point.x - 8, e.point.y - 8],
        [e.point.x + 8, e.point.y + 8],
      ];
      if (map.getLayoutProperty(POINT, 'visibility') === 'none') return;
      const hit = map.queryRenderedFeatures(box, { layers: [POINT, LINE, FILL] })[0];
      if (typeof hit?.properties.id === 'string') onSelect(hit.properties as ProjectTileProperties, [e.lngLat.lng, e.lngLat.lat]);
    });
    for (const layer of PROJECT_LAYER_IDS) {
      map.on('mouseenter', layer, () => (map.getCanvas().style.cursor = 'pointer'));
      map.on('mouseleave', layer, () => (map.getCanvas().style.cursor = ''));
    }
  }
  return {
    setData: (fc) => {
      if (!opts.tiles) void map.getSource<maplibregl.GeoJSONSource>(SOURCE)?.setData(fc ?? EMPTY);
    },
    setVisible: (on) => {
      for (const id of [FILL, CASING, OUTLINE, LINE, POINT]) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
    },
    renderedIds: () => [...new Set(map.queryRenderedFeatures({ layers: PROJECT_LAYER_IDS }).map((f) => f.properties.id as string))],
  };
}
