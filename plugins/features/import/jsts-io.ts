/**
 * The JSTS objects the import's geometry repairs share (the antimeridian cut, the sample
 * countries made valid): one geometry factory, a GeoJSON reader on it and a writer, made on
 * first use and kept. JSTS's types are not declared, so the operations used are typed here.
 */
// The monkey module adds the operations (isValid, union, intersection, ...) to every geometry.
import 'jsts/org/locationtech/jts/monkey.js';
import GeoJSONReader from 'jsts/org/locationtech/jts/io/GeoJSONReader.js';
import GeoJSONWriter from 'jsts/org/locationtech/jts/io/GeoJSONWriter.js';
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js';
import type { GeoJSONGeometry } from '../../../core/filter/index.js';

/** The JTS operations the import uses. */
export interface JstsGeometry {
  isValid(): boolean;
  isEmpty(): boolean;
  union(): JstsGeometry;
  intersection(other: JstsGeometry): JstsGeometry;
  getInteriorPoint(): { getCoordinate(): { x: number; y: number } | null };
}

export interface JstsIo {
  factory: { createMultiPolygon(polygons: JstsGeometry[]): JstsGeometry };
  reader: { read(g: unknown): JstsGeometry };
  writer: { write(g: JstsGeometry): GeoJSONGeometry };
}

let jsts: JstsIo | undefined;

export function jstsIo(): JstsIo {
  if (!jsts) {
    const factory = new GeometryFactory();
    jsts = { factory: factory as never, reader: new GeoJSONReader(factory) as never, writer: new GeoJSONWriter() as never };
  }
  return jsts;
}
