import type { XacmlRequest } from './types.js';

export function parseJsonRequest(textOrObject: string | object): XacmlRequest {
  void textOrObject;
  throw new Error('parseJsonRequest: not yet implemented');
}
