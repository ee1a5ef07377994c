// Each server's spelling of the same requests: WMS 1.3.0 GetMap and WCS 2.0.1 GetCoverage KVP.
// The CRS (UTM 31N) is easting/northing in WMS 1.3.0 too, so BBOX is x/y for both servers.
import { coord, MAP_SIZE, type CoverageSpec, type MapSpec } from './requests.js';

export function getMapPath(endpoint: string, crs: string, m: MapSpec): string {
  const params = new URLSearchParams({
    SERVICE: 'WMS',
    VERSION: '1.3.0',
    REQUEST: 'GetMap',
    LAYERS: m.layer,
    STYLES: '',
    CRS: crs,
    BBOX: m.bbox.map(coord).join(','),
    WIDTH: String(MAP_SIZE),
    HEIGHT: String(MAP_SIZE),
    FORMAT: 'image/png',
  });
  return `${endpoint}?${params.toString()}`;
}

/** How a server names things in GetCoverage: its axis labels for x and y, its GeoTIFF FORMAT value per coverage, any further parameters. */
export interface WcsSpelling {
  axes: [string, string];
  format(coverage: CoverageSpec['coverage']): string;
  extra?: Record<string, string>;
}

export function getCoveragePath(endpoint: string, spelling: WcsSpelling, c: CoverageSpec): string {
  const [minx, miny, maxx, maxy] = c.bbox.map(coord);
  const params = new URLSearchParams({ SERVICE: 'WCS', VERSION: '2.0.1', REQUEST: 'GetCoverage', COVERAGEID: c.coverage, FORMAT: spelling.format(c.coverage) });
  params.append('SUBSET', `${spelling.axes[0]}(${minx},${maxx})`);
  params.append('SUBSET', `${spelling.axes[1]}(${miny},${maxy})`);
  for (const [k, v] of Object.entries(spelling.extra ?? {})) params.append(k, v);
  return `${endpoint}?${params.toString()}`;
}
