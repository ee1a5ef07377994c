// The baseline's MapServer configuration: the GeoPackage's three layers as WFS feature types read
// through OGR, GeoJSON (OGR's driver, streamed) and GML 3.2 outputs, EPSG:4326, and a feature
// limit above the big layer's size so the export is whole.
import type { FeaturesData, LayerInfo } from './data.js';

const q = (s: string) => `"${s.replace(/"/g, '\\"')}"`;

export interface FeaturesMapfileOptions {
  /** wfs_compute_number_matched: count the matches of each GetFeature, as Meridian's countMatched. */
  countMatched: boolean;
}

function layer(data: FeaturesData, info: LayerInfo): string {
  return `  LAYER
    NAME ${q(info.name)}
    TYPE ${info.geometry === 'Point' ? 'POINT' : 'POLYGON'}
    STATUS ON
    CONNECTIONTYPE OGR
    CONNECTION ${q(data.gpkg)}
    DATA ${q(info.name)}
    PROJECTION "init=epsg:4326" END
    # Kept open between requests, as a FastCGI deployment would.
    PROCESSING "CLOSE_CONNECTION=DEFER"
    METADATA
      "wfs_title" ${q(info.name)}
      "wfs_srs" "EPSG:4326"
      "gml_include_items" "all"
      "gml_featureid" "code"
      "gml_types" "auto"
      "wfs_getfeature_formatlist" "geojson,application/gml+xml; version=3.2"
      "wfs_use_default_extent_for_getfeature" "false"
    END
    TEMPLATE "none"
  END`;
}

export function featuresMapfile(data: FeaturesData, options: FeaturesMapfileOptions): string {
  const biggest = Math.max(...Object.values(data.layers).map((l) => l.features));
  return `MAP
  NAME "features"
  EXTENT -180 -90 180 90
  UNITS DD
  PROJECTION "init=epsg:4326" END
  OUTPUTFORMAT
    NAME "geojson"
    DRIVER "OGR/GEOJSON"
    MIMETYPE "application/json"
    FORMATOPTION "FORM=SIMPLE"
    FORMATOPTION "STORAGE=stream"
    FORMATOPTION "LCO:RFC7946=NO"
  END
  WEB
    METADATA
      "wfs_enable_request" "*"
      "wfs_srs" "EPSG:4326"
      "wfs_title" "features benchmark baseline"
      "wfs_onlineresource" "http://127.0.0.1/mapserv?"
      "wfs_maxfeatures" "${biggest + 1}"
      "wfs_compute_number_matched" "${options.countMatched ? 'true' : 'false'}"
      "wfs_namespace_prefix" "ms"
    END
  END
${Object.values(data.layers).map((l) => layer(data, l)).join('\n')}
END
`;
}
