/**
 * TopoJSON (the format world-atlas ships Natural Earth in): each object of the topology is a
 * layer, its geometries the features; arcs are decoded (quantized, delta-encoded) and stitched
 * into lines and rings. The whole file is parsed at once: topologies are small by design.
 */
import { readFile } from 'node:fs/promises';
import type { GeoJSONGeometry } from '../../../../core/filter/index.js';
import type { SourceLayer, SourceRow, VectorSource } from '../types.js';

interface TopoGeometry {
  type: string | null;
  id?: string | number;
  properties?: Record<string, unknown>;
  arcs?: unknown;
  coordinates?: unknown;
  geometries?: TopoGeometry[];
}

export interface Topology {
  type: 'Topology';
  transform?: { scale: [number, number]; translate: [number, number] };
  arcs: number[][][];
  objects: Record<string, TopoGeometry>;
}

export async function openTopoJson(path: string, options: { name: string }): Promise<VectorSource> {
  const topology = JSON.parse(await readFile(path, 'utf8')) as Topology;
  return topologySource(topology, options.name);
}

export function topologySource(topology: Topology, name: string): VectorSource {
  if (topology?.type !== 'Topology' || !topology.objects || !Array.isArray(topology.arcs)) throw new Error(`${name} is not a TopoJSON topology`);
  const decode = decoder(topology);
  const layers: SourceLayer[] = Object.entries(topology.objects).map(([objectName, object]) => {
    const members = object.type === 'GeometryCollection' ? object.geometries ?? [] : [object];
    let done = 0;
    return {
      name: objectName,
      crs: 'OGC:CRS84',
      count: members.length,
      warnings: [],
      fraction: () => (members.length ? done / members.length : 1),
      rows: async function* (): AsyncGenerator<SourceRow> {
        for (const m of members) {
          done++;
          const row: SourceRow = { row: done, geometry: null, properties: m.properties ?? {} };
          if (m.id !== undefined) row.id = String(m.id);
          try {
            row.geometry = decode(m);
          } catch (err) {
            row.error = (err as Error).message;
          }
          yield row;
        }
      },
    };
  });
  return { format: 'topojson', layers, close: async () => undefined };
}

function decoder(topology: Topology): (g: TopoGeometry) => GeoJSONGeometry | null {
  const t = topology.transform;
  const point = (p: number[]): number[] => (t ? [p[0]! * t.scale[0] + t.translate[0], p[1]! * t.scale[1] + t.translate[1]] : [p[0]!, p[1]!]);
  // Arcs once, in positions: quantized arcs are delta-encoded.
  const arcs = topology.arcs.map((arc) => {
    if (!t) return arc.map((p) => [p[0]!, p[1]!]);
    let x = 0;
    let y = 0;
    return arc.map((p) => {
      x += p[0]!;
      y += p[1]!;
      return point([x, y]);
    });
  });
  const arc = (i: number): number[][] => {
    const a = arcs[i < 0 ? ~i : i];
    if (!a) throw new Error(`arc ${i} is not in the topology`);
    return i < 0 ? a.slice().reverse() : a;
  };
  const line = (indexes: number[]): number[][] => {
    const out: number[][] = [];
    for (const i of indexes) {
      const a = arc(i);
      out.push(...(out.length ? a.slice(1) : a));
    }
    return out;
  };
  const ring = (indexes: number[]): number[][] => {
    const r = line(indexes);
    // A ring of one arc of few points may come unclosed from some writers.
    if (r.length > 0 && (r[0]![0] !== r.at(-1)![0] || r[0]![1] !== r.at(-1)![1])) r.push(r[0]!);
    return r;
  };
  const decode = (g: TopoGeometry): GeoJSONGeometry | null => {
    switch (g.type) {
      case null:
      case undefined:
        return null;
      case 'Point':
        return { type: 'Point', coordinates: point(g.coordinates as number[]) };
      case 'MultiPoint':
        return { type: 'MultiPoint', coordinates: (g.coordinates as number[][]).map(point) };
      case 'LineString':
        return { type: 'LineString', coordinates: line(g.arcs as number[]) };
      case 'MultiLineString':
        return { type: 'MultiLineString', coordinates: (g.arcs as number[][]).map(line) };
      case 'Polygon':
        return { type: 'Polygon', coordinates: (g.arcs as number[][]).map(ring) };
      case 'MultiPolygon':
        return { type: 'MultiPolygon', coordinates: (g.arcs as number[][][]).map((p) => p.map(ring)) };
      case 'GeometryCollection':
        return { type: 'GeometryCollection', geometries: (g.geometries ?? []).map(decode).filter((m): m is GeoJSONGeometry => m !== null) };
      default:
        throw new Error(`unknown TopoJSON geometry type ${JSON.stringify(g.type)}`);
    }
  };
  return decode;
}
