import type { GeoJSONGeometry } from '../../../../../core/storage/db/types.js';

type Pos = [number, number];

export const point = (x: number, y: number): GeoJSONGeometry => ({ type: 'Point', coordinates: [x, y] });
export const line = (...positions: Pos[]): GeoJSONGeometry => ({ type: 'LineString', coordinates: positions });
export const polygon = (...rings: Pos[][]): GeoJSONGeometry => ({ type: 'Polygon', coordinates: rings });

/** A closed, counter-clockwise ring of the box. */
export function boxRing(minx: number, miny: number, maxx: number, maxy: number): Pos[] {
  return [
    [minx, miny],
    [maxx, miny],
    [maxx, maxy],
    [minx, maxy],
    [minx, miny],
  ];
}

export const box = (minx: number, miny: number, maxx: number, maxy: number): GeoJSONGeometry => polygon(boxRing(minx, miny, maxx, maxy));

/** A 10×10 square with a 4×4 hole in its middle (3..7). */
export const squareWithHole: GeoJSONGeometry = polygon(boxRing(0, 0, 10, 10), boxRing(3, 3, 7, 7).reverse());

/** A thin L along the x and y axes: its bbox is [0,0,10,10] but it covers only two strips. */
export const lShape: GeoJSONGeometry = polygon([
  [0, 0],
  [10, 0],
  [10, 1],
  [1, 1],
  [1, 10],
  [0, 10],
  [0, 0],
]);

/** A triangle whose bbox is [0,0,10,10] but which covers only the half below the diagonal y = x. */
export const lowerTriangle: GeoJSONGeometry = polygon([
  [0, 0],
  [10, 0],
  [10, 10],
  [0, 0],
]);
