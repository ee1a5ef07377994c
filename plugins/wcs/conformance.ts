/**
 * The requirements classes this service implements: written as ows:Profile in
 * ServiceIdentification (WCS 2.0 core Req. 5 and each extension's "extension-identifier"
 * requirement) and registered as conformance classes.
 */
export const WCS_CONFORMANCE = {
  core: 'http://www.opengis.net/spec/WCS/2.0/conf/core',
  getKvp: 'http://www.opengis.net/spec/WCS_protocol-binding_get-kvp/1.0/conf/get-kvp',
  postXml: 'http://www.opengis.net/spec/WCS_protocol-binding_post-xml/1.0/conf/post-xml',
  gmlCoverage: 'http://www.opengis.net/spec/GMLCOV/1.0/conf/gml-coverage',
  multipart: 'http://www.opengis.net/spec/GMLCOV/1.0/conf/multipart',
  specialFormat: 'http://www.opengis.net/spec/GMLCOV/1.0/conf/special-format',
  geotiff: 'http://www.opengis.net/spec/GMLCOV_geotiff-coverages/1.0/conf/geotiff-coverage',
  crs: 'http://www.opengis.net/spec/WCS_service-extension_crs/1.0/conf/crs',
  crsGridded: 'http://www.opengis.net/spec/WCS_service-extension_crs/1.0/conf/crs-gridded-coverage',
  scaling: 'http://www.opengis.net/spec/WCS_service-extension_scaling/1.0/conf/scaling',
  rangeSubsetting: 'http://www.opengis.net/spec/WCS_service-extension_range-subsetting/1.0/conf/record-subsetting',
  interpolation: 'http://www.opengis.net/spec/WCS_service-extension_interpolation/1.0/conf/interpolation',
  eowcs: 'http://www.opengis.net/spec/WCS_application-profile_earth-observation/1.0/conf/eowcs',
  eowcsGetKvp: 'http://www.opengis.net/spec/WCS_application-profile_earth-observation/1.0/conf/eowcs_get-kvp',
  eowcsPostXml: 'http://www.opengis.net/spec/WCS_application-profile_earth-observation/1.0/conf/eowcs_post-xml',
} as const;

export const WCS_PROFILES: readonly string[] = Object.values(WCS_CONFORMANCE);

/** Interpolation methods (OGC 12-049 Table 2 URIs) and the engine's resampling for each. */
export const INTERPOLATION_BASE = 'http://www.opengis.net/def/interpolation/OGC/1/';
export const INTERPOLATIONS = {
  'nearest-neighbor': 'nearest',
  linear: 'bilinear',
  cubic: 'cubic',
} as const;
export type InterpolationName = keyof typeof INTERPOLATIONS;
export const INTERPOLATION_URIS: readonly string[] = Object.keys(INTERPOLATIONS).map((n) => INTERPOLATION_BASE + n);
