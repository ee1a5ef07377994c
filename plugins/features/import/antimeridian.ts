/**
 * Polygons in longitude/latitude whose rings cross the antimeridian, cut there into planar
 * polygons, as Natural Earth's shapefiles are and as GDAL's `ogr2ogr -wrapdateline` cuts them.
 *
 * world-atlas publishes Natural Earth in spherical coordinates (d3-geo semantics): its build
 * stitches the antimeridian and polar cuts away (d3-geo-projection's geostitch), so Russia's,
 * Fiji's and Antarctica's rings step from longitude 180 to -180 in one edge. Read as planar
 * geometries (WMS in EPSG:4326 or 3857, WFS clients, JSTS/PostGIS geometry) that edge runs
 * across the whole map (the lines at ~70°N and ~16°S) and the rings are not what they mean.
 *
 * A ring is unwrapped (each step of more than 180° in longitude taken the short way round, so
 * longitudes may leave [-180, 180]); a ring that goes once round the globe (its unwrapped end
 * 360° from its start: Antarctica) encloses a pole and is closed along the pole's latitude. The
 * polygon is then cut (JSTS intersection) into the 360°-wide strips it covers and each piece
 * shifted back into [-180, 180], so a piece ends exactly on ±180. Polygons that do not cross are
 * returned as they are (the same objects).
 */
import type { GeoJSONGeometry } from '../../../core/filter/index.js';
import { jstsIo } from './jsts-io.js';
import { mapRowGeometries } from './map-geometries.js';
import type { VectorSource } from './types.js';

type Position = number[];
type Ring = Position[];

/** Coordinates this close (degrees) to a strip's edge are put on it. */
const EDGE_SNAP = 1e-9;

/** True when some edge of the ring steps more than 180° in longitude. */
function crosses(ring: Ring): boolean {
  for (let i = 1; i < ring.length; i++) if (Math.abs(ring[i]![0]! - ring[i - 1]![0]!) > 180) return true;
  return false;
}

/** The ring with its longitudes made continuous (each step the short way), and the 360° turns it makes in all. */
function unwrap(ring: Ring): { ring: Ring; turns: number } {
  const out: Ring = [];
  let shift = 0;
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i]!;
    if (i > 0) {
      const d = p[0]! - ring[i - 1]![0]!;
      if (d > 180) shift -= 360;
      else if (d < -180) shift += 360;
    }
    out.push([p[0]! + shift, p[1]!]);
  }
  return { ring: out, turns: Math.round(shift / 360) };
}

/** A ring that went round the globe, closed over the pole on its side (the one its vertices' mean latitude is on). */
function closeOverPole(ring: Ring): Ring {
  const closed = ring.slice(0, -1);
  const first = ring[0]!;
  const last = closed.at(-1)!;
  const pole = ring.reduce((s, p) => s + p[1]!, 0) < 0 ? -90 : 90;
  closed.push([last[0]!, pole], [first[0]!, pole], [first[0]!, first[1]!]);
  return closed;
}

function minMaxX(ring: Ring): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const p of ring) {
    if (p[0]! < min) min = p[0]!;
    if (p[0]! > max) max = p[0]!;
  }
  return [min, max];
}

/** One polygon (rings of positions) as planar polygons within [-180, 180]. */
function splitPolygon(rings: Ring[]): Ring[][] {
  if (!rings.some(crosses)) return [rings];
  let { ring: shell, turns } = unwrap(rings[0]!);
  if (turns !== 0) shell = closeOverPole(shell);
  const [sx0, sx1] = minMaxX(shell);
  const centre = (sx0 + sx1) / 2;
  // Each hole moved by whole turns to lie beside its shell.
  const holes = rings.slice(1).map((r) => {
    const u = unwrap(r).ring;
    const [hx0, hx1] = minMaxX(u);
    const k = Math.round((centre - (hx0 + hx1) / 2) / 360);
    return k === 0 ? u : u.map((p) => [p[0]! + 360 * k, p[1]!]);
  });
  const { reader, writer } = jstsIo();
  const polygon = reader.read({ type: 'Polygon', coordinates: [shell, ...holes] });
  const out: Ring[][] = [];
  for (let m = Math.floor((sx0 + 180) / 360); m <= Math.ceil((sx1 - 180) / 360); m++) {
    const west = -180 + 360 * m;
    const east = 180 + 360 * m;
    const strip = reader.read({ type: 'Polygon', coordinates: [[[west, -90], [east, -90], [east, 90], [west, 90], [west, -90]]] });
    const piece = polygon.intersection(strip);
    if (piece.isEmpty()) continue;
    const g = writer.write(piece) as GeoJSONGeometry;
    const polygons = g.type === 'Polygon' ? [g.coordinates as Ring[]] : g.type === 'MultiPolygon' ? (g.coordinates as Ring[][]) : g.type === 'GeometryCollection' ? (g.geometries ?? []).flatMap((c) => (c.type === 'Polygon' ? [c.coordinates as Ring[]] : c.type === 'MultiPolygon' ? (c.coordinates as Ring[][]) : [])) : [];
    for (const p of polygons) {
      out.push(
        p.map((ring) =>
          ring.map(([x, y]) => {
            let lon = x! - 360 * m;
            if (Math.abs(lon - 180) < EDGE_SNAP) lon = 180;
            else if (Math.abs(lon + 180) < EDGE_SNAP) lon = -180;
            return [lon, y!];
          }),
        ),
      );
    }
  }
  return out;
}

/** A geometry with its polygons cut at the antimeridian (a Polygon that is cut becomes a MultiPolygon); other geometries as they are. */
export function splitAtAntimeridian(geometry: GeoJSONGeometry): GeoJSONGeometry {
  if (geometry.type === 'Polygon') {
    const rings = geometry.coordinates as Ring[];
    if (!rings.some(crosses)) return geometry;
    const parts = splitPolygon(rings);
    return parts.length === 1 ? { type: 'Polygon', coordinates: parts[0]! } : { type: 'MultiPolygon', coordinates: parts };
  }
  if (geometry.type === 'MultiPolygon') {
    const polygons = geometry.coordinates as Ring[][];
    if (!polygons.some((p) => p.some(crosses))) return geometry;
    return { type: 'MultiPolygon', coordinates: polygons.flatMap(splitPolygon) };
  }
  if (geometry.type === 'GeometryCollection') return { type: 'GeometryCollection', geometries: (geometry.geometries ?? []).map(splitAtAntimeridian) };
  return geometry;
}

/** A source in longitude/latitude whose polygons are spherical (world-atlas), read as planar ones cut at the antimeridian. */
export function cutAtAntimeridian(source: VectorSource): VectorSource {
  return mapRowGeometries(source, splitAtAntimeridian, 'cutting at the antimeridian');
}
