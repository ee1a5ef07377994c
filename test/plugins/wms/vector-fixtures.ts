/**
 * The feature collections the WMS vector tests serve, written through the real features engine,
 * and their styles (config vectorStyles). Everything lies in lon 0..20, lat 40..60, the
 * fixture raster `pattern`'s box, at 10 pixels per degree on a 200 x 200 map of that box:
 *
 *   zones   Polygon: 'forest' lon 1..7, lat 41..47 and 'lake' lon 12..18, lat 41..47 (edges
 *           with a vertex every degree, so projected edges follow the graticule), names Alpha/Beta.
 *           Style 'kinds' (default): forest #00aa00 outlined #004400, lake #0000ee (a rule per kind);
 *           style 'labelled': grey fill and each zone's name in black on a white halo.
 *   roads   LineString along lat 57 from lon 1 to 19 (a vertex every degree), #ff00ff 4 px wide.
 *   places  Point: a 'city' at (5, 52) drawn as a red 16 px square, a 'town' at (15, 52) drawn by
 *           the else rule as an orange 16 px circle.
 *   events  Point with a temporal property `when`: Jan, Feb and Mar 2021 at (3, 58), (9, 59),
 *           (15, 58.5), green 10 px circles.
 *   parcels Polygon stored in UTM 31N (EPSG:32631): a 100 km square from (400000, 5100000).
 *   secret_zones  a private Polygon collection owned by alice (lon 8..11, lat 48..51).
 */
import type { GeoJSONGeometry } from '../../../core/filter/index.js';
import type { FeaturesService } from '../../../plugins/features/types.js';
import { ADMIN } from './support.js';

export const FOREST = [0, 170, 0, 255];
export const LAKE = [0, 0, 238, 255];
export const ROAD = [255, 0, 255, 255];
export const CITY = [255, 0, 0, 255];
export const TOWN = [255, 170, 0, 255];
export const EVENT = [0, 160, 80, 255];

/** A lon/lat box as a polygon with a vertex every degree along its edges. */
export function boxPolygon(west: number, south: number, east: number, north: number): GeoJSONGeometry {
  const ring: number[][] = [];
  for (let x = west; x < east; x++) ring.push([x, south]);
  for (let y = south; y < north; y++) ring.push([east, y]);
  for (let x = east; x > west; x--) ring.push([x, north]);
  for (let y = north; y > south; y--) ring.push([west, y]);
  ring.push([west, south]);
  return { type: 'Polygon', coordinates: [ring] };
}

export const VECTOR_STYLES = {
  zones: [
    {
      name: 'kinds',
      title: 'Zones by kind',
      rules: [
        { name: 'forest', title: 'Forest', filter: "kind = 'forest'", fill: { color: '#00aa00' }, stroke: { color: '#004400', width: 2 } },
        { name: 'lake', title: 'Lake', filter: "kind = 'lake'", fill: { color: '#0000ee' } },
      ],
    },
    {
      name: 'labelled',
      title: 'Zones with names',
      rules: [{ title: 'Zone', fill: { color: '#808080' }, label: { property: 'name', size: 14, color: '#000000', halo: { color: '#ffffff', width: 2 } } }],
    },
  ],
  roads: [{ name: 'roads', title: 'Roads', rules: [{ title: 'Road', stroke: { color: '#ff00ff', width: 4 } }] }],
  places: [
    {
      name: 'places',
      title: 'Places by category',
      rules: [
        { title: 'City', filter: "cat = 'city'", point: { shape: 'square', size: 16, fill: { color: '#ff0000' } } },
        { title: 'Other places', else: true, point: { shape: 'circle', size: 16, fill: { color: '#ffaa00' } } },
      ],
    },
  ],
  events: [{ name: 'events', title: 'Events', rules: [{ title: 'Event', point: { shape: 'circle', size: 10, fill: { color: '#00a050' } } }] }],
};

/** Creates the collections above and their features. */
export async function createVectorFixtures(features: FeaturesService): Promise<void> {
  await features.createCollection(
    {
      id: 'zones',
      title: 'Zones',
      description: 'A forest and a lake',
      keywords: ['test', 'zones'],
      geometryType: 'Polygon',
      properties: [
        { name: 'name', type: 'string' },
        { name: 'kind', type: 'string' },
        { name: 'area_km2', type: 'number' },
      ],
    },
    ADMIN,
  );
  await features.createCollection({ id: 'roads', title: 'Roads', geometryType: 'LineString', properties: [{ name: 'ref', type: 'string' }] }, ADMIN);
  await features.createCollection({ id: 'places', title: 'Places', geometryType: 'Point', properties: [{ name: 'name', type: 'string' }, { name: 'cat', type: 'string' }] }, ADMIN);
  await features.createCollection(
    { id: 'events', title: 'Events', geometryType: 'Point', temporalProperty: 'when', properties: [{ name: 'label', type: 'string' }, { name: 'when', type: 'datetime' }] },
    ADMIN,
  );
  await features.createCollection({ id: 'parcels', title: 'Parcels', geometryType: 'Polygon', crs: 'EPSG:32631', properties: [{ name: 'code', type: 'string' }] }, ADMIN);
  await features.createCollection({ id: 'secret_zones', title: 'Secret zones', geometryType: 'Polygon', visibility: 'private', owner: 'alice', properties: [{ name: 'name', type: 'string' }] }, ADMIN);

  const road: number[][] = [];
  for (let lon = 1; lon <= 19; lon++) road.push([lon, 57]);
  await features.transaction(
    [
      {
        op: 'insert',
        collection: 'zones',
        features: [
          { geometry: boxPolygon(1, 41, 7, 47), properties: { name: 'Alpha', kind: 'forest', area_km2: 330000 } },
          { geometry: boxPolygon(12, 41, 18, 47), properties: { name: 'Beta', kind: 'lake', area_km2: 330000 } },
        ],
      },
      { op: 'insert', collection: 'roads', features: [{ geometry: { type: 'LineString', coordinates: road }, properties: { ref: 'A57' } }] },
      {
        op: 'insert',
        collection: 'places',
        features: [
          { geometry: { type: 'Point', coordinates: [5, 52] }, properties: { name: 'Bigtown', cat: 'city' } },
          { geometry: { type: 'Point', coordinates: [15, 52] }, properties: { name: 'Smallville', cat: 'town' } },
        ],
      },
      {
        op: 'insert',
        collection: 'events',
        features: [
          { geometry: { type: 'Point', coordinates: [3, 58] }, properties: { label: 'January', when: '2021-01-15T12:00:00Z' } },
          { geometry: { type: 'Point', coordinates: [9, 59] }, properties: { label: 'February', when: '2021-02-15T12:00:00Z' } },
          { geometry: { type: 'Point', coordinates: [15, 58.5] }, properties: { label: 'March', when: '2021-03-15T12:00:00Z' } },
        ],
      },
      {
        op: 'insert',
        collection: 'parcels',
        features: [
          {
            geometry: { type: 'Polygon', coordinates: [[[400000, 5100000], [500000, 5100000], [500000, 5200000], [400000, 5200000], [400000, 5100000]]] },
            properties: { code: 'P1' },
          },
        ],
      },
    ],
    ADMIN,
  );
  await features.transaction([{ op: 'insert', collection: 'secret_zones', features: [{ geometry: boxPolygon(8, 48, 11, 51), properties: { name: 'Hidden' } }] }], ADMIN);
}
