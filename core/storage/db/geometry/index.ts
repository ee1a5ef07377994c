/**
 * Planar geometry on GeoJSON for the spatial index's exact test where the database has none
 * (SQLite, PostgreSQL without PostGIS). Exact orientation predicates, so results on edges and
 * corners agree with PostGIS.
 */
export { bboxesIntersect, geometryBBox, queryBoxes } from './bbox.js';
export { intersects } from './intersects.js';
export { orientation, type Position } from './orientation.js';
export { locatePointInPolygon, locatePointInRing, type PointLocation } from './point-in-polygon.js';
export { prepareGeometry, type PreparedGeometry } from './prepared.js';
export { pointOnSegment, segmentsIntersect } from './segments.js';
export { validateGeometry } from './validate.js';
export { decodeWkb, encodeEwkbHex, encodeWkb, storedGeometry } from './wkb.js';
