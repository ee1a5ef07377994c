import type { XacmlResponse } from './types.js';

export function responseToJson(response: XacmlResponse): object {
  void response;
  throw new Error('responseToJson: not yet implemented');
}
