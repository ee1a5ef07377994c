import { STATUS_SYNTAX_ERROR, type XacmlResponse } from './types.js';

/** The response to a request that could not be read: one Indeterminate result, status syntax-error. */
export function syntaxErrorResponse(message: string): XacmlResponse {
  return { results: [{ decision: 'Indeterminate', status: { code: STATUS_SYNTAX_ERROR, message }, obligations: [], advice: [], attributes: [] }] };
}
