/** WCS 1.1.1 (OGC 06-083r8, corrigendum 07-067r2) over KVP: the three operations. */
import type { KvpParams } from '../../../../core/ows/index.js';
import type { WcsEnv, WcsResponse } from '../../context.js';
import { getCapabilities11 } from './capabilities.js';
import { describeCoverage11 } from './describe-coverage.js';
import { wcs11Exception } from './exceptions.js';
import { getCoverage11 } from './get-coverage.js';
import { capabilities11Request, describeCoverage11Request, getCoverage11Request } from './requests.js';

export { wcs11ErrorEncoder } from './exceptions.js';

export async function runWcs11(operation: string, kvp: KvpParams, env: WcsEnv): Promise<WcsResponse> {
  switch (operation) {
    case 'GetCapabilities':
      return getCapabilities11(capabilities11Request(kvp), env);
    case 'DescribeCoverage':
      return describeCoverage11(describeCoverage11Request(kvp), env);
    case 'GetCoverage':
      return getCoverage11(getCoverage11Request(kvp), env);
    default:
      throw wcs11Exception('OperationNotSupported', `WCS 1.1.1 has no operation '${operation}'; operations are GetCapabilities, DescribeCoverage, GetCoverage`, operation);
  }
}
