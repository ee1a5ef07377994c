import type { XacmlResponse } from './types.js';

export function responseToXml(response: XacmlResponse): string {
  void response;
  throw new Error('responseToXml: not yet implemented');
}
