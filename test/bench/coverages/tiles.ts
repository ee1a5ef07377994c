// The WMTS case's tiles: WebMercatorQuad tiles lying wholly inside the rasters (no empty or
// partly empty tile), every tile of the coarse levels and a seeded sample of the deep ones, for
// each layer; and the paths both servers answer them at.
import { transformBbox } from '../../../core/ows/index.js';
import { seededRandom } from '../../../core/seeded-random.js';
import type { BenchData, BenchRaster } from './data.js';

export interface TileSpec {
  layer: BenchRaster['name'];
  zoom: number;
  row: number;
  col: number;
}

const ZOOMS = [9, 10, 11, 12, 13, 14];
/** Levels from which every inner tile is taken; deeper ones are sampled. */
const ALL_UP_TO = 12;

const lonToCol = (lon: number, z: number) => ((lon + 180) / 360) * 2 ** z;
const latToRow = (lat: number, z: number) => {
  const r = (lat * Math.PI) / 180;
  return ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z;
};

/** About `perLayer` tiles of each layer (fewer when the levels hold fewer), in a shuffled order. */
export function tileSequence(data: BenchData, perLayer: number, seed = 7003): TileSpec[] {
  const [w, s, e, n] = transformBbox(data.bbox, data.crs, 'OGC:CRS84');
  // The UTM square is slightly turned against meridians: its CRS84 envelope, shrunk by 3 % a
  // side, lies inside it.
  const dx = (e - w) * 0.03;
  const dy = (n - s) * 0.03;
  const inner = [w + dx, s + dy, e - dx, n - dy] as const;
  const next = seededRandom(seed);
  const out: TileSpec[] = [];
  for (const layer of ['rgb', 'dem'] as const) {
    const coarse: TileSpec[] = [];
    const deep: TileSpec[] = [];
    for (const zoom of ZOOMS) {
      const minCol = Math.ceil(lonToCol(inner[0], zoom));
      const maxCol = Math.floor(lonToCol(inner[2], zoom)) - 1;
      const minRow = Math.ceil(latToRow(inner[3], zoom));
      const maxRow = Math.floor(latToRow(inner[1], zoom)) - 1;
      for (let row = minRow; row <= maxRow; row++) for (let col = minCol; col <= maxCol; col++) (zoom <= ALL_UP_TO ? coarse : deep).push({ layer, zoom, row, col });
    }
    const wanted = Math.max(0, perLayer - coarse.length);
    for (let i = deep.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [deep[i], deep[j]] = [deep[j]!, deep[i]!];
    }
    out.push(...coarse, ...deep.slice(0, wanted));
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A tile's path from a WMTS RESTful ResourceURL template (its origin removed). */
export function restTilePath(template: string, style: string, t: TileSpec): string {
  const url = template
    .replace('{Style}', encodeURIComponent(style))
    .replace('{TileMatrixSet}', 'WebMercatorQuad')
    .replace('{TileMatrix}', String(t.zoom))
    .replace('{TileRow}', String(t.row))
    .replace('{TileCol}', String(t.col));
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}
