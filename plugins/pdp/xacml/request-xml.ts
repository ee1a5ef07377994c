import type { XacmlRequest } from './types.js';

export function parseXmlRequest(text: string): XacmlRequest {
  void text;
  throw new Error('parseXmlRequest: not yet implemented');
}
