// The baseline's MapServer configuration: a mapfile with the benchmark's two rasters as WMS
// layers and WCS 2.0 coverages, and the MapServer 8 config file that points mapserv at it.
import type { BenchData } from './data.js';

export interface MapfileOptions {
  /** zlib level of the PNG encoder (AGG/PNG COMPRESSION), to match Meridian's. */
  pngCompression: number;
  /** MapServer's PROCESSING RESAMPLE (NEAREST, BILINEAR, ...), to match Meridian's default. */
  resample: string;
  /** GeoTIFF compression of WCS answers, as Meridian is asked for. */
  tiffCompression: 'none' | 'deflate';
  /** The DEM's rendering, as Meridian's default style draws it: PROCESSING directives and CLASS blocks. */
  demStyle: { processing: string[]; classes?: string };
}

/** WCS 2.0 FORMAT names of the baseline's GeoTIFF outputs (mapserv picks an OUTPUTFORMAT by name). */
export const MAPSERVER_TIFF_FORMAT = { rgb: 'GEOTIFF_BYTE', dem: 'GEOTIFF_FLOAT32' } as const;

const q = (s: string) => `"${s.replace(/"/g, '\\"')}"`;

function layer(name: string, path: string, processing: string[], wcs: Record<string, string>, classes = ''): string {
  return `  LAYER
    NAME ${q(name)}
    TYPE RASTER
    STATUS ON
    DATA ${q(path)}
    PROJECTION "init=epsg:32631" END
${processing.map((p) => `    PROCESSING ${q(p)}`).join('\n')}
    METADATA
      "ows_title" ${q(name)}
${Object.entries(wcs)
  .map(([k, v]) => `      ${q(k)} ${q(v)}`)
  .join('\n')}
    END
${classes}
  END`;
}

export function mapfile(data: BenchData, options: MapfileOptions): string {
  // GDAL's GTiff driver: deflate at its default zlib level (6, as Meridian's writer).
  const tiffOptions = options.tiffCompression === 'deflate' ? '\n    FORMATOPTION "COMPRESS=DEFLATE"' : '';
  const [minx, miny, maxx, maxy] = data.bbox;
  // Kept open between requests (the connection pool of a FastCGI mapserv), as a tuned deployment
  // would: the file's header is not read again and GDAL's block cache stays warm.
  const keepOpen = 'CLOSE_CONNECTION=DEFER';
  return `MAP
  NAME "bench"
  EXTENT ${minx} ${miny} ${maxx} ${maxy}
  SIZE 256 256
  MAXSIZE 4096
  UNITS METERS
  PROJECTION "init=epsg:32631" END
  IMAGECOLOR 255 255 255
  OUTPUTFORMAT
    NAME "png"
    DRIVER "AGG/PNG"
    MIMETYPE "image/png"
    IMAGEMODE RGB
    EXTENSION "png"
    FORMATOPTION "COMPRESSION=${options.pngCompression}"
  END
  OUTPUTFORMAT
    NAME ${q(MAPSERVER_TIFF_FORMAT.rgb)}
    DRIVER "GDAL/GTiff"
    MIMETYPE "image/tiff"
    IMAGEMODE BYTE
    EXTENSION "tif"${tiffOptions}
  END
  OUTPUTFORMAT
    NAME ${q(MAPSERVER_TIFF_FORMAT.dem)}
    DRIVER "GDAL/GTiff"
    MIMETYPE "image/tiff"
    IMAGEMODE FLOAT32
    EXTENSION "tif"${tiffOptions}
  END
  WEB
    METADATA
      "ows_enable_request" "*"
      "ows_srs" "EPSG:32631"
      "ows_title" "coverages benchmark baseline"
      "ows_onlineresource" "http://127.0.0.1/mapserv?"
      "wcs_label" "coverages benchmark baseline"
    END
  END
${layer('rgb', data.rgb.path, ['BANDS=1,2,3', `RESAMPLE=${options.resample}`, keepOpen], {
  wcs_formats: MAPSERVER_TIFF_FORMAT.rgb,
  wcs_native_format: 'image/tiff',
  wcs_bandcount: '3',
  wcs_imagemode: 'BYTE',
})}
${layer('dem', data.dem.path, [...options.demStyle.processing, `RESAMPLE=${options.resample}`, keepOpen], {
  wcs_formats: MAPSERVER_TIFF_FORMAT.dem,
  wcs_native_format: 'image/tiff',
  wcs_bandcount: '1',
  wcs_imagemode: 'FLOAT32',
}, options.demStyle.classes)}
END
`;
}

/** MapServer 8 refuses to start without a config file; this one only names the mapfile. */
export function mapserverConfig(mapfilePath: string): string {
  return `CONFIG
  ENV
    MS_MAPFILE ${q(mapfilePath)}
  END
END
`;
}
