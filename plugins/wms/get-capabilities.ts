/**
 * GetCapabilities (WMS 1.3.0 §7.2; 1.1.1 §7.1). The version was negotiated before (index.ts).
 * FORMAT other than the version's own type gets the default document, as §7.2.3.1 says;
 * UPDATESEQUENCE equal to the current value is CurrentUpdateSequence, greater is
 * InvalidUpdateSequence (§7.2.3.2, table 3).
 */
import { checkUpdateSequence } from '../../core/ows/index.js';
import { capabilitiesModel } from './capabilities-model.js';
import { capabilitiesXml } from './capabilities-document.js';
import type { WmsEnv, WmsRequest, WmsResponse } from './env.js';
import { PROFILES } from './versions.js';

export async function getCapabilities(request: WmsRequest, env: WmsEnv): Promise<WmsResponse> {
  const { kvp, version } = request;
  const model = await capabilitiesModel(env, version);
  const updateSequence = env.updateSequence([...model.layers.map((l) => l.coverage), ...model.vectorLayers.map((l) => l.collection)]);
  checkUpdateSequence(kvp.optional('UPDATESEQUENCE'), updateSequence, { style: 'wms', locator: 'UPDATESEQUENCE' });
  const asked = kvp.optional('FORMAT')?.split(';')[0]!.trim().toLowerCase();
  // 1.1.1 clients may ask for text/xml (browsers show it); anything else gets the version's type.
  const contentType = asked === 'text/xml' || asked === 'application/xml' ? 'text/xml' : PROFILES[version].capabilitiesFormat;
  return {
    contentType: `${contentType}; charset=UTF-8`,
    body: capabilitiesXml(env, version, model, updateSequence),
    headers: { 'Cache-Control': 'no-cache' },
  };
}
