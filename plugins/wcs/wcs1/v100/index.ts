/** WCS 1.0.0 (OGC 03-065r6) over KVP: the three operations. */
import type { KvpParams } from '../../../../core/ows/index.js';
import type { WcsEnv, WcsResponse } from '../../context.js';
import { getCapabilities10 } from './capabilities.js';
import { describeCoverage10 } from './describe-coverage.js';
import { wcs10Exception } from './exceptions.js';
import { getCoverage10 } from './get-coverage.js';
import { capabilities10Request, describeCoverage10Request, getCoverage10Request } from './requests.js';

export { wcs10ErrorEncoder } from './exceptions.js';

export async function runWcs10(operation: string, kvp: KvpParams, env: WcsEnv): Promise<WcsResponse> {
  switch (operation) {
    case 'GetCapabilities':
      return getCapabilities10(capabilities10Request(kvp), env);
    case 'DescribeCoverage':
      return describeCoverage10(describeCoverage10Request(kvp), env);
    case 'GetCoverage':
      return getCoverage10(getCoverage10Request(kvp), env);
    default:
      throw wcs10Exception('OperationNotSupported', `WCS 1.0.0 has no operation '${operation}'; operations are GetCapabilities, DescribeCoverage, GetCoverage`, operation);
  }
}
