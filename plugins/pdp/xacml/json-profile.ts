/** Names of the JSON Profile of XACML 3.0 v1.1: category shorthands. */
export const CATEGORY_SHORTHANDS: Record<string, string> = {
  AccessSubject: 'urn:oasis:names:tc:xacml:1.0:subject-category:access-subject',
  Action: 'urn:oasis:names:tc:xacml:3.0:attribute-category:action',
  Resource: 'urn:oasis:names:tc:xacml:3.0:attribute-category:resource',
  Environment: 'urn:oasis:names:tc:xacml:3.0:attribute-category:environment',
  RecipientSubject: 'urn:oasis:names:tc:xacml:1.0:subject-category:recipient-subject',
  IntermediarySubject: 'urn:oasis:names:tc:xacml:1.0:subject-category:intermediary-subject',
  Codebase: 'urn:oasis:names:tc:xacml:1.0:subject-category:codebase',
  RequestingMachine: 'urn:oasis:names:tc:xacml:1.0:subject-category:requesting-machine',
};
