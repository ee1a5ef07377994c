/** A Policy or PolicySet that cannot be loaded; the message says what and where. */
export class PolicySyntaxError extends Error {
  override name = 'PolicySyntaxError';
}

/**
 * A request that cannot be read (not well-formed, not XACML, unknown data type, bad value): the
 * caller answers Indeterminate with status syntax-error (see syntaxErrorResponse).
 */
export class XacmlSyntaxError extends Error {
  override name = 'XacmlSyntaxError';
}
