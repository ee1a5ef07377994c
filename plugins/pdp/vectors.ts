/** Runs XACML conformance vectors from a folder in the OASIS/AuthzForce layout (see runConformanceVectors). */
export interface VectorCaseResult {
  id: string;
  category: string;
  ok: boolean;
  mismatches: string[];
}

export interface VectorRunOptions {
  /** Only cases whose id matches. */
  filter?: (id: string, category: string) => boolean;
}

export interface VectorRunReport {
  passed: number;
  failed: number;
  cases: VectorCaseResult[];
}

export async function runConformanceVectors(dir: string, options: VectorRunOptions = {}): Promise<VectorRunReport> {
  void dir; void options;
  throw new Error('runConformanceVectors: not yet implemented');
}
