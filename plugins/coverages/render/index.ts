/** The coverages engine's rendering stage: styles from config, RGBA rendering, image encoding, legends. */
export { styleConfigSchema } from './style-config.js';
export type {
  BandRef,
  BandStretch,
  ColorRampConfig,
  ColorStop,
  HillshadeStyleConfig,
  PercentileStretch,
  RampStyleConfig,
  RangeStretch,
  RgbStyleConfig,
  StyleConfig,
  StyleType,
} from './style-config.js';
export { rampNames, namedRamps, type RampName } from './ramps.js';
export { resolveStyle, findBand, knownRange } from './resolve-style.js';
export type { ResolvedStyle, ResolvedRgbStyle, ResolvedRampStyle, ResolvedHillshadeStyle, ResolvedColorRamp, ResolvedRange } from './resolve-style.js';
export { defaultStyles, describeStyles, isElevation } from './default-styles.js';
export { computeStatistics, percentile, type BandStatistics, type Histogram } from './statistics.js';
export type { CoverageStatistics } from './ranges.js';
export { renderRgba, type RenderOptions } from './render.js';
export { composeOver } from './compose.js';
export { encodeImage, flatten, imageContentTypes, type EncodeOptions } from './encode.js';
export { legendImage, defaultLegendSizes, type LegendOptions } from './legend.js';
