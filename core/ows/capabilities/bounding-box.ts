import { el, type XmlElement } from '../xml/writer.js';

/** ows:WGS84BoundingBox (longitude/latitude order, as CRS84) for Contents sections. */
export function wgs84BoundingBoxXml(bbox: readonly [number, number, number, number]): XmlElement {
  return el('ows:WGS84BoundingBox', null, el('ows:LowerCorner', null, `${bbox[0]} ${bbox[1]}`), el('ows:UpperCorner', null, `${bbox[2]} ${bbox[3]}`));
}

/** ows:BoundingBox in a given CRS; coordinates in that CRS's axis order, as the caller gives them. */
export function boundingBoxXml(lower: readonly number[], upper: readonly number[], crs: string): XmlElement {
  return el('ows:BoundingBox', { crs, dimensions: lower.length }, el('ows:LowerCorner', null, lower.join(' ')), el('ows:UpperCorner', null, upper.join(' ')));
}
