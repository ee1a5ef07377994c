/** The warp stage of the coverages engine: overview choice, reprojection, resampling, mosaicking. */
export { chooseLevel } from './choose-level.js';
export { warp, type WarpOptions } from './warp.js';
export type { LatticeOptions } from './projected-lattice.js';
