import type { Database, SpatialIndex } from './types.js';

// Placeholder signature only so the tree type-checks while the storage work lands; replaced
// by the SQLite R*Tree / PostGIS implementation.
export function createSpatialIndex(_db: Database, _table: string): SpatialIndex {
  throw new Error('spatial index not built yet');
}
