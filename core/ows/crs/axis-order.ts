import type { EpsgRecord } from './epsg-source.js';

/**
 * Whether a CRS's authority axis order puts the northing (or latitude) axis first, while proj4
 * always works easting/longitude first. Derived from the epsg-index record, since the index has
 * no axis field:
 *
 * 1. A name that states the order wins: '(N,E)' → north first, '(E,N)' or '(lon-lat)' → east first.
 * 2. proj4 strings with `+axis=` (South African Lo zones, Krovak) already produce the authority
 *    order, so nothing is swapped.
 * 3. Geographic 2D/3D CRSs: latitude first, as every EPSG geographic CRS but the '(lon-lat)' ones.
 * 4. Projected CRSs: the index's WKT1 (written by GDAL) carries AXIS["…",EAST],AXIS["…",NORTH]
 *    when, and only when, the EPSG order is easting/northing; WKT without AXIS means another
 *    order, northing/easting for all but the polar CRSs whose axes run along meridians (E and N
 *    "South along 90°E"), which stay x/y. A projected CRS whose WKT is missing falls back to x/y.
 * 5. Compound CRSs follow their horizontal component by the same rules; geocentric and vertical
 *    CRSs are never swapped.
 *
 * Checked against PROJ's proj.db (EPSG v10.076): the rule agrees for 5790 of the 5848
 * projected and geographic CRSs both know (99%). The 58 misses are projected CRSs the index has
 * no WKT for, read x/y while EPSG says northing first (Austrian Ferro zones, NGO 1948 Oslo zones,
 * Colombian urban grids, Tokyo 1892 Korea belts, Laborde), and RSRGD2000 / RSPS2000. Defaulting
 * WKT-less CRSs to northing-first would miss fewer (27) but would get the more used NTF Paris
 * Lambert zones and Equal Earth wrong, so x/y stays the fallback.
 * test/core/ows/crs/axis-order.test.ts re-checks this whenever proj.db is on the machine.
 */
export function authorityNorthFirst(record: EpsgRecord): boolean {
  const hint = /\((N,E|E,N|lon-lat|lat-lon)\)\s*$/i.exec(record.name)?.[1]?.toUpperCase();
  if (hint === 'N,E' || hint === 'LAT-LON') return true;
  if (hint === 'E,N' || hint === 'LON-LAT') return false;
  if (record.proj4 && /\+axis=/.test(record.proj4)) return false;
  switch (record.kind) {
    case 'CRS-GEOGCRS':
    case 'CRS-GEOG3DCRS':
      return true;
    case 'CRS-PROJCRS':
      return record.wkt ? projectedNorthFirst(record.wkt, record.proj4) : false;
    case 'CRS-COMPOUNDCRS':
      return record.wkt ? compoundNorthFirst(record.wkt, record.proj4) : false;
    default:
      return false;
  }
}

const EAST_NORTH = /AXIS\["[^"]*",EAST\],AXIS\["[^"]*",NORTH\]/;

function projectedNorthFirst(wkt: string, proj4: string | null): boolean {
  if (EAST_NORTH.test(wkt)) return false;
  return !isPolar(proj4);
}

function compoundNorthFirst(wkt: string, proj4: string | null): boolean {
  const horizontal = /(PROJCS|GEOGCS)\[/.exec(wkt.slice(wkt.indexOf('[') + 1));
  if (!horizontal) return false;
  if (horizontal[1] === 'GEOGCS') return true;
  return projectedNorthFirst(wkt.replace(/VERT_CS\[.*$/, ''), proj4);
}

/** Polar stereographic / azimuthal projections centred on a pole, whose axes follow meridians. */
function isPolar(proj4: string | null): boolean {
  if (!proj4) return false;
  if (/\+proj=ups\b/.test(proj4)) return true;
  const lat0 = /\+lat_0=(-?[\d.]+)/.exec(proj4)?.[1];
  return /\+proj=(stere|laea|aeqd|sterea)\b/.test(proj4) && lat0 !== undefined && Math.abs(Number(lat0)) === 90;
}
